import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { CommandModule } from './index';
import { MurmurError, workspaceRoot } from '@murmur/core';
import type { splitBySubject } from '@murmur/datasets';
import { boardOption } from '../board-option';
import { isSystemError, systemReason } from '../fs-errors';
import { DATA_DIR_HELP, printJson, printTable } from '../output';

interface VerifyOptions {
  app?: string;
  board?: string;
  model?: string;
  standIn?: boolean;
  windows: string;
  period?: string;
  dataDir?: string;
  synthetic?: boolean;
  json?: boolean;
}

const DEFAULT_PERIOD = 10;

const positiveInt = (text: string, name: string, UsageError: new (m: string) => Error): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--${name} must be a positive integer, got '${text}'`);
  return n;
};

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description(
      "build an app's generated library for a board, run it on the board's emulator, compare with the TS reference",
    )
    .option('--app <app>', 'the app (apps/<app>)')
    .option(
      '--board <board>',
      'board id (boards/<board>.json); hardware boards run on the emulator of their core',
    )
    .option('--model <file>', 'compressed model (default: dist/apps/<app>/<board>/model.compressed.json)')
    .option('--stand-in', "use a calibrated stand-in model of the app's shapes, even where a build made one")
    .option(
      '--windows <n>',
      'windows to run (AVR: fewer when the recorded frames do not fit the board flash)',
      '300',
    )
    .option(
      '--period <n>',
      'windows per uplink period (default 10, or all the windows when fewer recorded windows fit the board flash)',
    )
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('--synthetic', 'stream a generated signal instead of recorded windows')
    .option('--json', 'print the result as JSON')
    .action(async (opts: VerifyOptions) => {
      const { UsageError } = await import('@murmur/core');
      if (!opts.app) throw new UsageError('--app is required');
      if (!opts.board) throw new UsageError('--board is required');
      const windows = positiveInt(opts.windows, 'windows', UsageError);
      let period =
        opts.period === undefined ? DEFAULT_PERIOD : positiveInt(opts.period, 'period', UsageError);
      if (windows % period !== 0)
        throw new UsageError(`--windows (${windows}) must be a multiple of --period (${period})`);
      const { loadApp } = await import('@murmur/app');
      const app = await loadApp(opts.app);
      const board = await boardOption(opts.board);
      const codegen = await import('@murmur/codegen');
      const checks = await import('@murmur/verify');
      const { compressedFromJson } = await import('@murmur/kernels');
      const modelFile =
        opts.model ?? join(workspaceRoot(), 'dist', 'apps', opts.app, board.id, 'model.compressed.json');
      if (opts.model && opts.standIn) throw new UsageError('--model and --stand-in exclude each other');
      const hasModel = !opts.standIn && existsSync(modelFile);
      if (opts.model && !hasModel) throw new MurmurError('model file not found', { file: opts.model });
      const model = hasModel ? compressedFromJson(readModel(modelFile), modelFile) : undefined;
      if (!hasModel && !opts.standIn && app.model !== null) {
        process.stderr.write(
          `note: ${modelFile} does not exist (run murmur compress --app ${opts.app} --board ${board.id}); ` +
            'verifying with a calibrated stand-in model of the same shapes\n',
        );
      }
      const options = checks.appLibraryOptions(app, model);
      codegen.generateAppLibrary({ ...options, board }); // fails early, with the numbers, when the app cannot fit the board
      let input = 'deterministic check stream (integer triangle wave + xorshift32 noise)';
      let check: { windows: number; period: number; frames?: Float32Array[] } = { windows, period };
      if (!opts.synthetic) {
        // Recorded frames stream in from a host file under QEMU and on the host; on AVR (no semihosting
        // under simavr) they go into flash as float32, as many windows as the board's flash holds beside the code.
        const pipeline = await import('@murmur/pipeline');
        const { loadDataset, splitBySubject } = await import('@murmur/datasets');
        const recordings = await loadDataset(app.features.dataset, { dataDir: opts.dataDir });
        const graph = app.featureGraph;
        // Only recordings at the feature graph's rate with its channels can feed the device.
        const usable = recordings.filter(
          (r) => r.rateHz === graph.rateHz && graph.channels.every((c) => r.channelNames.includes(c)),
        );
        const heldOut = heldOutSubjects(
          app.id,
          usable.map((r) => r.subject),
          splitBySubject,
        );
        // The stand-in model learned from no subject: every subject may follow the held-out ones.
        const others = [...new Set(usable.map((r) => r.subject))].filter((s) => !heldOut.includes(s)).sort();
        const subjects = hasModel ? heldOut : [...heldOut, ...others];
        const streamed = checks.streamsRecordedFrames(board);
        const fit = await pipeline.recordedWindowCapacity(app, board);
        const rec = pipeline.recordedStream(app, usable, subjects, Math.min(windows, fit));
        if (opts.period === undefined && rec.windows < period) period = Math.max(1, rec.windows);
        const n = rec.windows - (rec.windows % period);
        if (n < period) {
          const where =
            rec.windows < Math.min(windows, fit)
              ? `in the recordings of subjects ${subjects.join(', ') || '(none)'}`
              : `fit board '${board.id}'s flash`;
          throw new UsageError(`only ${rec.windows} recorded windows ${where}; lower --period`);
        }
        check = { windows: n, period, frames: rec.frames };
        const used = [...new Set(rec.sources.map((r) => r.subject))];
        input =
          `recorded (${streamed ? 'streamed from a host file' : 'in flash'}): ` +
          `${rec.sources.length} recordings of ${hasModel ? 'held-out subjects' : 'subjects'} ${used.join(', ')}`;
      }
      const r = await checks.runLibraryCheck(board, options, check);
      const ok = r.mismatches.length === 0 && r.windowsEqual === r.windows && r.uplinksEqual === r.uplinks;
      const perInference = r.cost.features.mean + r.cost.model.mean + r.cost.payload.mean / period;
      const result = {
        app: opts.app,
        board: board.id,
        emulator: board.emulator,
        model: hasModel ? modelFile : 'calibrated stand-in',
        input,
        windows: r.windows,
        windowsEqual: r.windowsEqual,
        uplinks: r.uplinks,
        uplinksEqual: r.uplinksEqual,
        unit: r.unit,
        perInference: r.cost,
        // Cortex-M counts are instructions: at one instruction per cycle this is a lower bound on latency.
        latencyMs: r.unit === 'none' ? null : (perInference / board.mcu.clockHz) * 1000,
        latencyBasis:
          r.unit === 'cycles' ? 'cycles at the board clock' : 'instructions at one per cycle (lower bound)',
        memory: r.memory ?? null,
        modelFlashBytes: r.modelFlash ?? null,
        weightBytes: r.weightBytes,
        arenaBytes: r.arenaBytes,
        mismatches: r.mismatches,
        ok,
      };
      if (opts.json) printJson(result);
      else {
        const cost = (s: { mean: number; max: number }): string => `${Math.round(s.mean)} / ${s.max}`;
        printTable(
          ['check', 'value'],
          [
            [
              'board',
              `${board.id} (${r.unit === 'none' ? 'host' : board.emulator.kind === 'qemu' ? `qemu ${board.emulator.machine}` : 'simavr'})`,
            ],
            ['model', result.model],
            ['input', input],
            ['windows byte-equal', `${r.windowsEqual} / ${r.windows}`],
            ['uplinks byte-equal', `${r.uplinksEqual} / ${r.uplinks}`],
            [`features ${r.unit} (mean / max)`, cost(r.cost.features)],
            [`model ${r.unit} (mean / max)`, cost(r.cost.model)],
            [`payload ${r.unit} per uplink (mean / max)`, cost(r.cost.payload)],
            [
              'latency per window',
              result.latencyMs === null ? '-' : `${result.latencyMs.toFixed(3)} ms (${result.latencyBasis})`,
            ],
            ['flash (image)', r.memory ? `${r.memory.flash} B` : '-'],
            ['RAM incl. stack (image)', r.memory ? `${r.memory.ram} B (stack ${r.memory.stack} B)` : '-'],
            [
              'model flash / weights / arena',
              `${r.modelFlash ?? '-'} / ${r.weightBytes} / ${r.arenaBytes} B`,
            ],
          ],
        );
        for (const m of r.mismatches) process.stdout.write(`mismatch: ${m}\n`);
        process.stdout.write(ok ? 'verify: OK\n' : 'verify: MISMATCH\n');
      }
      if (!ok) process.exitCode = 1;
    });
}

export const command: CommandModule = { order: 60, register: registerVerify };

/** The text of a model file; one that cannot be read is an error naming it. */
function readModel(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if (!isSystemError(err)) throw err;
    throw new MurmurError(`cannot read the model: ${systemReason(err)}`, { file });
  }
}

/**
 * Subjects the model never trained on: the validation subjects the float model records (dist/apps/<app>/model),
 * else the test part of a subject-wise split of the given subjects.
 */
function heldOutSubjects(app: string, subjects: string[], split: typeof splitBySubject): string[] {
  const modelJson = join(workspaceRoot(), 'dist', 'apps', app, 'model', 'model.json');
  if (existsSync(modelJson)) {
    const meta = (JSON.parse(readFileSync(modelJson, 'utf8')) as { meta?: { validationSubjects?: string[] } })
      .meta;
    if (meta?.validationSubjects?.length) return meta.validationSubjects;
  }
  const parts = split(subjects, { seed: 'murmur', validation: 0.2, test: 0.2 });
  return parts.test.length
    ? parts.test
    : parts.validation.length
      ? parts.validation
      : [[...new Set(subjects)].sort().at(-1)!];
}
