/**
 * One build of an app for a board, the stages in order:
 *   model      float model on the training subjects (loaded or trained)           → model/
 *   compress   every recipe on the float model; the smallest that fits the budget within the app's
 *              tolerance of float, cross-validated on the training subjects    → model.compressed.json
 *   library    the generated C library (Makefile, CMakeLists.txt, Arduino layout)  → lib/
 *   verify     the library in the emulator of the board's core vs the TS reference → verify.json
 *              (built with the model's per-layer cost probes, which lib/ does not have)
 *   evaluate   the firmware's own classes on labelled windows of the validation subjects (report)
 *   firmware   hardware boards: the app's main loop + library + board support       → firmware/ (.elf .hex .bin .map memory.json)
 *   codec      TTN / ChirpStack codec JS, TTN device-repository files              → codec/
 * writeReport (./report) then turns the result into report.json and report.html.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { appSensorLimits, appWindowsPerUplink, type MurmurApp } from '@murmur/app';
import { isAvrCore, type Board } from '@murmur/boards';
import { generateAppLibrary, type AppLibrary } from '@murmur/codegen';
import { compressedToJson } from '@murmur/kernels';
import { createProgress, MurmurError, workspaceRoot } from '@murmur/core';
import { loadDataset, resolveDataSource } from '@murmur/datasets';
import { compileGraph } from '@murmur/dsp';
import { buildFirmware, type FirmwareImage } from '@murmur/firmware';
import { modemIncludeDirs, modemSources } from '@murmur/modem';
import { generateCodecJs, generateTtnRepoFiles, ttnCodecName } from '@murmur/payload';
import { referenceRun, runLibraryCheck, type LibraryCheckResult } from '@murmur/verify';
import { evaluateFirmware, type FirmwareEvaluation } from './evaluate';
import { firmwareMain, usesModem } from './firmware-main';
import { compressForBoard, ensureModel, type CompressionOutcome, type TrainedModel } from './model';
import { recordedStream, recordedWindowCapacity, type RecordedStream } from './recorded';

export interface BuildOptions {
  app: MurmurApp;
  board: Board;
  /** Default dist/apps/<app>/<board>. */
  outDir?: string;
  dataDir?: string;
  /** Where the float model is kept (default dist/apps/<app>/model). */
  modelDir?: string;
  /** Compression recipes to evaluate (default: all of @murmur/compress's). */
  recipes?: string[];
  /** Most windows streamed through the library in the emulator (fewer when the board's flash is small). */
  verifyWindows?: number;
  quiet?: boolean;
}

export interface StageTime {
  stage: string;
  seconds: number;
}

export interface BuildResult {
  app: string;
  board: string;
  outDir: string;
  /** The float model and the chosen compression; absent for an app that ships no model (`model: null`). */
  trained?: TrainedModel;
  compression?: CompressionOutcome;
  library: {
    dir: string;
    files: string[];
    weightBytes: number;
    arenaBytes: number;
    macs: number;
    uplinkBytes: number;
  };
  verify: LibraryCheckResult;
  /** The firmware's accuracy on labelled windows of the validation subjects (absent when none fits). */
  evaluation?: FirmwareEvaluation;
  /** The recorded frames the library ran on, and the uplinks it sent (hex, equal to the TS reference's). */
  recorded: RecordedStream & { period: number; uplinks: string[] };
  /** The flashable image (hardware boards). */
  firmware?: FirmwareImage;
  codecFiles: string[];
  stages: StageTime[];
}

/** Windows a build verifies byte for byte against the TS reference (two uplink periods, at most this). */
const DEFAULT_VERIFY_WINDOWS = 300;

/** How much of the validation data a build runs through its firmware for the report's confusion matrix. */
const FIRMWARE_EVALUATION = { windows: 500, runs: 3 };

export function defaultOutDir(app: string, board: string): string {
  return join(workspaceRoot(), 'dist', 'apps', app, board);
}

/** Rest-of-firmware footprint used for the model budget: DSP state and tables, policy and payload, stack. */
export function firmwareFootprint(board: Board, dspRamBytes: number, dspFlashBytes: number) {
  const avr = isAvrCore(board.mcu.core);
  const stack = avr ? 256 : 1024;
  const code = avr ? 8 * 1024 : 12 * 1024;
  return { flash: code + dspFlashBytes, ram: dspRamBytes + 128 + stack };
}

/**
 * The flashable image of a hardware board: the app's main loop (./firmware-main) with the generated library
 * (already written to `libDir`), the AT-modem transport where the board has a UART modem, and the board
 * support of its MCU family, linked at the board's addresses. Throws the budget message when it does not fit.
 */
export async function buildBoardFirmware(
  app: MurmurApp,
  board: Board,
  library: AppLibrary,
  libDir: string,
  outDir: string,
): Promise<FirmwareImage> {
  const modem = usesModem(board);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(join(outDir, 'src'), { recursive: true });
  const main = join(outDir, 'src', 'main.c');
  writeFileSync(main, firmwareMain(app, board));
  return buildFirmware({
    board,
    target: 'board',
    name: app.id,
    outDir,
    sources: [...library.sources.map((f) => join(libDir, f)), main, ...(modem ? modemSources : [])],
    includeDirs: [join(libDir, 'src'), ...(modem ? modemIncludeDirs : [])],
  });
}

/** Writes a generated library's files under `dir` (emptied first). */
export function writeLibrary(library: AppLibrary, dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  for (const f of library.files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.text);
  }
}

export async function buildApp(opts: BuildOptions): Promise<BuildResult> {
  const { app, board } = opts;
  const outDir = opts.outDir ?? defaultOutDir(app.id, board.id);
  const stages: StageTime[] = [];
  const say = (text: string): void => {
    if (!opts.quiet) process.stderr.write(`${text}\n`);
  };
  const timed = async <T>(stage: string, run: () => Promise<T>): Promise<T> => {
    const start = process.hrtime.bigint();
    say(`[${app.id} → ${board.id}] ${stage} ...`);
    const value = await run();
    stages.push({ stage, seconds: Number(process.hrtime.bigint() - start) / 1e9 });
    return value;
  };
  // Nothing is written when the app's data is nowhere: the error names the fetch command.
  resolveDataSource(app.features.dataset, opts.dataDir);
  mkdirSync(outDir, { recursive: true });

  const trained = app.model
    ? await timed('model', () =>
        ensureModel(app, { dataDir: opts.dataDir, modelDir: opts.modelDir, quiet: opts.quiet }),
      )
    : undefined;
  const graph = compileGraph(app.featureGraph);
  const footprint = firmwareFootprint(board, graph.memory.ramBytes, graph.memory.flashBytes);
  const compression =
    trained &&
    (await timed('compress', () =>
      compressForBoard(app, trained, board, footprint, {
        quiet: opts.quiet,
        recipes: opts.recipes,
        cacheDir: opts.modelDir && join(opts.modelDir, 'recipes'),
        cvCacheDir: opts.modelDir && join(opts.modelDir, 'cv'),
      }),
    ));
  const compressed = compression?.choice.chosen.compressed;
  if (compressed) writeFileSync(join(outDir, 'model.compressed.json'), compressedToJson(compressed));
  else rmSync(join(outDir, 'model.compressed.json'), { force: true });

  const libOptions = {
    app: app.id,
    board,
    featureGraph: app.featureGraph,
    sensor: appSensorLimits(app),
    model: compressed,
    payload: app.payload,
    classes: app.classes,
    policy: app.uplink,
  };
  const lib = await timed('library', async () => {
    const generated = generateAppLibrary(libOptions);
    const dir = join(outDir, 'lib');
    writeLibrary(generated, dir);
    return { dir, generated };
  });

  const period = appWindowsPerUplink(app);
  const capacity = await recordedWindowCapacity(app, board);
  const wanted = Math.min(opts.verifyWindows ?? Math.min(2 * period, DEFAULT_VERIFY_WINDOWS), capacity);
  const recordings = await loadDataset(app.features.dataset, { dataDir: opts.dataDir });
  // Without a model no subject was trained on: the recorded windows may come from any.
  const subjects = trained?.validationSubjects ?? [...new Set(recordings.map((r) => r.subject))].sort();
  const stream = recordedStream(app, recordings, subjects, wanted);
  if (stream.windows < 1) {
    throw new MurmurError(`no recorded window of the validation subjects fits ${board.id}'s flash`, {
      field: 'verify',
    });
  }
  const check = { windows: stream.windows, period: Math.min(period, stream.windows), frames: stream.frames };
  const verify = await timed('verify', async () => {
    const progress = createProgress({
      total: 1,
      label: `verify on ${board.id}`,
      unit: 'run',
      quiet: opts.quiet,
    });
    // Only this build of the library has the model's per-layer cost probes; lib/ is the library as shipped.
    const result = await runLibraryCheck(board, libOptions, { ...check, perLayer: true });
    progress.done(
      `${result.windowsEqual}/${result.windows} windows, ${result.uplinksEqual}/${result.uplinks} uplinks equal`,
    );
    return result;
  });
  const reference = referenceRun(libOptions, lib.generated, check);
  const validationRecordings = recordings.filter((r) => subjects.includes(r.subject));
  const evaluation =
    compressed &&
    (await timed('evaluate', () =>
      evaluateFirmware(app, board, compressed, validationRecordings, FIRMWARE_EVALUATION, opts.quiet),
    ));
  writeFileSync(join(outDir, 'verify.json'), `${JSON.stringify(verify, null, 2)}\n`);

  const firmware =
    board.kind === 'hardware'
      ? await timed('firmware', () =>
          buildBoardFirmware(app, board, lib.generated, lib.dir, join(outDir, 'firmware')),
        )
      : undefined;

  const codecFiles = await timed('codec', async () => {
    const dir = join(outDir, 'codec');
    mkdirSync(dir, { recursive: true });
    const name = ttnCodecName(app.payload);
    const files: Record<string, string> = {
      [`${name}.js`]: generateCodecJs(app.payload),
      ...generateTtnRepoFiles(app.payload, app.payloadExamples ?? [], app.downlinkExamples),
    };
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
    return Object.keys(files).map((f) => join(dir, f));
  });

  return {
    app: app.id,
    board: board.id,
    outDir,
    trained,
    compression,
    library: {
      dir: lib.dir,
      files: lib.generated.files.map((f) => f.path),
      weightBytes: lib.generated.model?.weightBytes ?? 0,
      arenaBytes: lib.generated.model?.plan.size ?? 0,
      macs: lib.generated.model?.macs ?? 0,
      uplinkBytes: lib.generated.uplinkBytes,
    },
    verify,
    evaluation,
    recorded: { ...stream, period: check.period, uplinks: reference.uplinks },
    firmware,
    codecFiles,
    stages,
  };
}
