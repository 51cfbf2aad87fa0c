import type { Command } from 'commander';
import { boardOption } from '../board-option';
import { printJson } from '../output';

/** `murmur tflite verify`: the generated C of a .tflite on a board's emulator against a golden file. */
export function registerTfliteVerify(tflite: Command): void {
  tflite
    .command('verify')
    .description(
      "run every case of a golden file through the model's generated C on a board's emulator (or the host, with ASan/UBSan) and compare the outputs byte for byte; exit 1 when a case differs",
    )
    .argument('<model>', 'the .tflite file')
    .requiredOption(
      '--golden <file>',
      'golden cases: {cases: [{input, output}]}, tensors as base64 of their raw bytes (int8, or little-endian float32 for a float input or output)',
    )
    .option('--board <board>', 'board id (boards/<board>.json); native runs on the host', 'native')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { golden: string; board: string; json?: boolean }) => {
      const { readGoldenCases, readTflite } = await import('@murmur/tflite');
      const { prepareGraph } = await import('@murmur/kernels');
      const { verifyGraph } = await import('@murmur/verify');
      const board = await boardOption(opts.board);
      const prepared = prepareGraph(readTflite(file));
      const cases = readGoldenCases(opts.golden, prepared.graph);
      const r = await verifyGraph(prepared, cases, board, {
        sanitize: board.id === 'native',
        casesFile: opts.golden,
      });
      const result = {
        model: prepared.graph.name,
        board: r.board,
        cases: r.cases,
        casesEqual: r.casesEqual,
        firstDifference: r.firstDifference,
        instructionsPerInference: r.perInference === null ? null : { value: r.perInference, unit: r.unit },
        flashBytes: r.memory?.flashBytes ?? null,
        arenaBytes: r.arenaBytes,
        stackBytes: r.stackBytes,
      };
      if (opts.json) printJson(result);
      else {
        const cost =
          r.perInference === null
            ? 'not measured on the host'
            : `${r.perInference.toLocaleString('en')} ${r.unit}`;
        process.stdout.write(
          `${result.model} on ${r.board}: ${r.casesEqual}/${r.cases} cases byte-equal` +
            (r.firstDifference
              ? ` (first difference: case ${r.firstDifference.case}, element ${r.firstDifference.index}: ${r.firstDifference.got}, expected ${r.firstDifference.expected})`
              : '') +
            `\nper inference ${cost}; arena ${r.arenaBytes} B; stack ${r.stackBytes ?? '-'} B; flash ${result.flashBytes ?? '-'} B\n`,
        );
      }
      if (r.casesEqual !== r.cases) process.exitCode = 1;
    });
}
