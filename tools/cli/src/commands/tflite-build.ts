import type { Command } from 'commander';
import { boardOption } from '../board-option';
import { requireOutputDir } from '../fs-errors';
import { printJson } from '../output';

/** `murmur tflite build`: a .tflite to a C library, firmware and report for a board. */
export function registerTfliteBuild(tflite: Command): void {
  tflite
    .command('build')
    .description(
      "generate the model's C library (Makefile, CMake, Arduino layout), build and run it on the board's emulator, and write report.html with the per-layer cost",
    )
    .argument('<model>', 'the .tflite file')
    .option('--board <board>', 'board id (boards/<board>.json); native builds for the host', 'native')
    .requiredOption('--out <dir>', 'output folder: lib/, firmware/, report.html')
    .option(
      '--golden <file>',
      'golden cases to run and check (default: one all-zero input against the TS reference)',
    )
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { board: string; out: string; golden?: string; json?: boolean }) => {
      const { buildTflite } = await import('@murmur/pipeline');
      const board = await boardOption(opts.board);
      requireOutputDir(opts.out, '--out');
      const result = await buildTflite({ file, board, outDir: opts.out, golden: opts.golden });
      const v = result.verification;
      if (opts.json) printJson(result);
      else
        process.stdout.write(
          `${result.model} for ${result.board}: ${result.macs.toLocaleString('en')} MACs, ${result.constantBytes.toLocaleString('en')} B of constants, ${result.arenaBytes.toLocaleString('en')} B arena\n` +
            ('skipped' in v
              ? `not run: ${v.skipped}\n`
              : `${v.casesEqual}/${v.cases} cases byte-equal on ${v.board}` +
                (v.perInference ? `, ${v.perInference.toLocaleString('en')} ${v.unit} per inference` : '') +
                '\n') +
            `library ${result.library}\nreport  ${result.report}\n`,
        );
      if (!('skipped' in v) && v.casesEqual !== v.cases) process.exitCode = 1;
    });
}
