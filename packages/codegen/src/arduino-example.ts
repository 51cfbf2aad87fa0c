/**
 * The example sketches of the generated libraries (`examples/<Name>/<Name>.ino`): the app library's feeds sensor
 * frames and prints every uplink in hex over Serial; the graph library's runs the model and prints its output.
 */
import { cComment } from '@murmur/core';
import { GENERATOR } from './model-codegen';

export interface ArduinoExample {
  /** Sketch name: the folder and the .ino file under examples/. */
  name: string;
  sketch: string;
}

const SERIAL_BAUD = 115200;

/** Prints `label` and `n` bytes in hex on one line. */
const printHex = (label: string, bytes: string, n: string): string[] => [
  `  Serial.print(F("${label} "));`,
  `  for (size_t i = 0; i < ${n}; i++) {`,
  `    if ((uint8_t)${bytes}[i] < 0x10) Serial.print('0');`,
  `    Serial.print((uint8_t)${bytes}[i], HEX);`,
  '  }',
  '  Serial.println();',
];

/** The app library's sketch: sensor frames in, the uplink in hex out. */
export function appArduinoExample(o: {
  app: string;
  /** The library's C prefix, `murmur_<app>`. */
  prefix: string;
  channels: readonly string[];
  rateHz: number;
  /** Windows per uplink period (the app's uplink policy). */
  windowsPerUplink: number;
}): ArduinoExample {
  const p = o.prefix;
  const P = p.toUpperCase();
  const name = 'PrintUplink';
  const sketch = [
    cComment([
      `${name}: ${p} on a stream of sensor frames. Every uplink the app sends (every ${o.windowsPerUplink} windows,`,
      `or at once when a window raises an alert) is printed in hex over Serial at ${SERIAL_BAUD} baud.`,
      '',
      "murmur_sensor_read() is where your sensor's driver goes. As generated it makes a placeholder signal: a",
      `sine on each channel (${o.channels.join(', ')}) inside the sensor's range, at ${o.rateHz} Hz.`,
      '',
      `An example of the library that ${GENERATOR} generated from apps/${o.app}/app.config.ts.`,
    ]),
    `#include <${p}.h>`,
    '',
    '#include <math.h>',
    '#include <string.h>',
    '',
    `/** Windows per uplink: the uplink period of the app. */`,
    `#define WINDOWS_PER_UPLINK ${o.windowsPerUplink}u`,
    '',
    `static float frame[${P}_CHANNELS];`,
    `static uint8_t uplink[${P}_UPLINK_SIZE];`,
    `static float phase[${P}_CHANNELS];`,
    'static unsigned long next_sample_us;',
    'static unsigned long windows;',
    '',
    '/**',
    ` * Fills one frame (${o.channels.join(', ')}) and returns 1 when a new sample is due, else 0.`,
    ' * The placeholder: channel c is a sine of period WINDOW * (c + 1) + 1 samples around the middle of the range.',
    ' */',
    'int murmur_sensor_read(float *out) {',
    `  const unsigned long period_us = (unsigned long)(1000000.0 / ${P}_RATE_HZ);`,
    '  if ((long)(micros() - next_sample_us) < 0) return 0;',
    '  next_sample_us += period_us;',
    `  const float middle = 0.5f * ${P}_SENSOR_MIN + 0.5f * ${P}_SENSOR_MAX;`,
    `  const float amplitude = 0.25f * ${P}_SENSOR_MAX - 0.25f * ${P}_SENSOR_MIN;`,
    `  for (int c = 0; c < ${P}_CHANNELS; c++) {`,
    `    phase[c] += 6.2831853f / (float)(${P}_WINDOW * (c + 1) + 1);`,
    '    if (phase[c] >= 6.2831853f) phase[c] -= 6.2831853f;',
    '    out[c] = middle + amplitude * (float)sin(phase[c]);',
    '  }',
    '  return 1;',
    '}',
    '',
    'void setup() {',
    `  Serial.begin(${SERIAL_BAUD});`,
    '  while (!Serial) {',
    '  }',
    `  ${p}_init();`,
    '  next_sample_us = micros();',
    `  Serial.println(F("${p}: ${o.channels.length} channels at ${o.rateHz} Hz"));`,
    '}',
    '',
    'void loop() {',
    '  if (!murmur_sensor_read(frame)) return;',
    `  ${p}_push_samples(frame, 1);`,
    `  if (!${p}_ready()) return;`,
    `  ${p}_result result;`,
    `  if (${p}_infer(&result) != 0) return;`,
    '  if (!result.alert && ++windows < WINDOWS_PER_UPLINK) return;',
    '  windows = 0;',
    `  ${p}_inputs inputs;`,
    '  memset(&inputs, 0, sizeof inputs);',
    '  inputs.battery_pct = 100;',
    `  size_t n = ${p}_encode_uplink(&inputs, uplink, sizeof uplink);`,
    ...printHex('uplink', 'uplink', 'n'),
    '}',
    '',
  ].join('\n');
  return { name, sketch };
}

/** The graph library's sketch: a placeholder input through the model, the output in hex, once a second. */
export function graphArduinoExample(o: {
  /** The model's name and the file it came from. */
  name: string;
  origin: string;
  /** The library's C prefix (its header is `<prefix>.h`). */
  prefix: string;
  /** The C types of the input and output: int8_t, or float for a model with float32 edges. */
  inputType?: 'int8_t' | 'float';
  outputType?: 'int8_t' | 'float';
}): ArduinoExample {
  const p = o.prefix;
  const [inType, outType] = [o.inputType ?? 'int8_t', o.outputType ?? 'int8_t'];
  const P = p.toUpperCase();
  const name = 'PrintOutput';
  const sketch = [
    cComment([
      ...(inType === 'int8_t' && outType === 'int8_t'
        ? [
            `${name}: the model '${o.name}' (${p}) on a placeholder input, once a second; its int8 output is printed`,
            `in hex over Serial at ${SERIAL_BAUD} baud. Put your quantised input into input[] instead.`,
          ]
        : [
            `${name}: the model '${o.name}' (${p}) on a placeholder input, once a second; its output's bytes`,
            `(${outType === 'float' ? 'float32, little-endian' : 'int8'}) are printed in hex over Serial at ${SERIAL_BAUD} baud.`,
            `Put your ${inType === 'float' ? 'float' : 'quantised'} input into input[] instead.`,
          ]),
      '',
      `An example of the library that ${GENERATOR} generated from ${o.origin}.`,
    ]),
    `#include <${p}.h>`,
    '',
    `static ${inType} input[${P}_INPUT_SIZE];`,
    `static ${outType} output[${P}_OUTPUT_SIZE];`,
    'static uint8_t run;',
    '',
    'void setup() {',
    `  Serial.begin(${SERIAL_BAUD});`,
    '  while (!Serial) {',
    '  }',
    '}',
    '',
    'void loop() {',
    '  /* Placeholder input: a ramp that moves on by one every run. */',
    `  for (size_t i = 0; i < ${P}_INPUT_SIZE; i++) input[i] = ${inType === 'float' ? '(float)(int8_t)(uint8_t)(i + run) / 128.0f' : '(int8_t)(uint8_t)(i + run)'};`,
    '  run++;',
    `  int status = ${p}_invoke(input, output);`,
    '  if (status != 0) {',
    '    Serial.print(F("status "));',
    '    Serial.println(status);',
    '  } else {',
    ...(outType === 'float'
      ? printHex('output', '((const uint8_t *)output)', 'sizeof output')
      : printHex('output', 'output', `${P}_OUTPUT_SIZE`)
    ).map((l) => `  ${l}`),
    '  }',
    '  delay(1000);',
    '}',
    '',
  ].join('\n');
  return { name, sketch };
}
