/** The "Use" section of a generated library's README: its C API in a few lines. */

/** The app library: frames in, windows classified, the uplink out. */
export function appLibraryUsage(
  prefix: string,
  channels: readonly string[],
  rateHz: number,
  windowsPerUplink: number,
): string[] {
  const P = prefix.toUpperCase();
  return [
    '```c',
    `#include "${prefix}.h"`,
    '',
    `${prefix}_init();`,
    `/* For each frame of ${P}_CHANNELS floats (${channels.join(', ')}) at ${rateHz} Hz: */`,
    `${prefix}_push_samples(frame, 1);`,
    `if (${prefix}_ready()) {`,
    `  ${prefix}_result result;`,
    `  ${prefix}_infer(&result);`,
    `  /* Every ${windowsPerUplink} windows, or at once when result.alert is set: */`,
    `  ${prefix}_inputs inputs = { 100 /* battery_pct */ };`,
    `  uint8_t uplink[${P}_UPLINK_SIZE];`,
    `  size_t n = ${prefix}_encode_uplink(&inputs, uplink, sizeof uplink); /* send on fPort ${P}_FPORT */`,
    '}',
    '```',
    '',
    `\`${prefix}.h\` documents every call. Cellular radios carry \`${prefix}_encode_uplink_cbor()\` (compact CBOR) instead.`,
    'The sensor check drops windows with non-finite, clipped or stuck samples (`result.sensor_fault`).',
  ];
}

/** The graph library: one call per inference. */
export function graphLibraryUsage(
  prefix: string,
  types: { input: 'int8_t' | 'float'; output: 'int8_t' | 'float' } = { input: 'int8_t', output: 'int8_t' },
): string[] {
  const P = prefix.toUpperCase();
  const what = (t: 'int8_t' | 'float', side: string): string =>
    t === 'float' ? `the ${side} is float32` : `the ${side} is quantised int8`;
  return [
    '```c',
    `#include "${prefix}.h"`,
    '',
    ...(types.input === types.output
      ? [`${types.input} input[${P}_INPUT_SIZE], output[${P}_OUTPUT_SIZE];`]
      : [`${types.input} input[${P}_INPUT_SIZE];`, `${types.output} output[${P}_OUTPUT_SIZE];`]),
    `int status = ${prefix}_invoke(input, output); /* 0 on success */`,
    '```',
    '',
    types.input === 'int8_t' && types.output === 'int8_t'
      ? `The input and output are quantised int8 with the scales and zero points given at the top of \`${prefix}.h\`;`
      : `Here ${what(types.input, 'input')} and ${what(types.output, 'output')} (scales and zero points at the top of \`${prefix}.h\`);`,
    `the activations live in one static arena of ${P}_ARENA_BYTES bytes.`,
  ];
}
