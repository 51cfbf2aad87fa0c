import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Board } from '@murmur/boards';
import { argmaxInt8, quantizeModelInput, runInt8 } from '@murmur/kernels';
import { cleanChannels, compileGraph, computeAll, windowFaults } from '@murmur/dsp';
import { encode, toHex } from '@murmur/payload';
import { cComment, cFloat, MurmurError } from '@murmur/core';
import { modelFlashBytes } from './code-size';
import { buildAndRun } from './harness';
import { archOf } from '@murmur/firmware';
import { PolicyRunner } from '@murmur/policy';
import {
  generateAppLibrary,
  generateModelCode,
  type AppLibrary,
  type AppLibraryOptions,
} from '@murmur/codegen';

/**
 * Runs an app's generated library on a board's emulator over a deterministic stream of frames and checks it
 * against the TypeScript reference (feature graph in float32, int8 interpreter, uplink policy, payload
 * encoder): every window's class and margin, every uplink's bytes.
 *
 * The frames come from an integer-only generator that C and TypeScript compute identically (xorshift32
 * noise on a triangle wave, divided by 512, exact in float32), so any number of windows costs no flash.
 */
export interface LibraryCheckOptions {
  windows: number;
  /** Windows per uplink period. */
  period: number;
  seed?: number;
  /**
   * Recorded frames (channel-major, at least window + (windows - 1) * hop long) to stream instead of the
   * generated ones: read from a host file while the program runs (QEMU semihosting, stdio on the host), so
   * their number is not limited by flash, or compiled into flash as float32 constants on AVR, where simavr
   * has no semihosting (see `streamsRecordedFrames`).
   */
  frames?: Float32Array[];
  /**
   * Samples written over the stream (generated or recorded): channel `channel` of frames from..to-1 becomes
   * `value` (NaN and infinities allowed), on the device as in the reference — a broken sensor at no cost in
   * flash.
   */
  overrides?: SampleOverride[];
  /**
   * Measures the model layer by layer as well: the library is built with the model's per-layer cost probes
   * (generateModelCode's `profile`), which only this check program's build has, never the shipped library.
   * The probes read the cost counter before the first layer and after each one, so the `model` figure of
   * such a run includes those reads (a few instructions or cycles each).
   */
  perLayer?: boolean;
}

export interface SampleOverride {
  from: number;
  to: number;
  channel: number;
  value: number;
}

export interface StageCost {
  mean: number;
  max: number;
}

/** The model's cost layer by layer (a check with `perLayer` on a board with a cost counter). */
export interface LayerCosts {
  /** Windows the model ran on (a faulty window is not classified): the figures below are over these. */
  windows: number;
  /** The whole inference (infer) on those windows, the probes' reads included. */
  model: StageCost;
  /** Standardizing and quantizing the features into the model's int8 input (before the first layer). */
  input: StageCost;
  /** Each layer, in the model's order. */
  layers: StageCost[];
}

export interface LibraryCheckResult {
  board: string;
  windows: number;
  /** Windows whose class and margin equal the reference. */
  windowsEqual: number;
  uplinks: number;
  uplinksEqual: number;
  /** First differences, for the report. */
  mismatches: string[];
  /**
   * The firmware's result per window, `class margin alert fault` as the reference writes it (a faulty window
   * has class = the number of classes, margin 0).
   */
  outputs: string[];
  /** The firmware's uplinks in hex (`none` when it encoded nothing), one per period. */
  uplinkHex: string[];
  unit: string;
  /** Per window (features, model) and per uplink (payload). */
  cost: { features: StageCost; model: StageCost; payload: StageCost };
  /** With `perLayer`, where the board counts (not on the host): the model's cost layer by layer. */
  perLayer?: LayerCosts;
  memory?: { flash: number; ram: number; stack: number };
  /**
   * Flash of the kernels and the generated model (code, weights, parameters) in the linked image (with
   * `perLayer`, the probes' code included).
   */
  modelFlash?: number;
  /** Exact bytes of the model's constant arrays (weights, bias, multipliers, shifts). */
  weightBytes: number;
  /** The model's arena (activations and scratch). */
  arenaBytes: number;
  macs: number;
}

/**
 * Whether the check streams recorded frames from a host file on this board (any number of windows) or
 * compiles them into the image's flash (AVR: as many windows as fit beside the code).
 */
export function streamsRecordedFrames(board: Board): boolean {
  return archOf(board) !== 'avr';
}

/**
 * Most frames the check program pushes in one call: it pushes 1, 2, ... of them in turn, past the library's
 * own chunk, so a window completes in the middle of a call and the rest of the call goes to the next window.
 */
const pushFrames = (lib: AppLibrary): number => lib.sensorChunkFrames + 2;

/** Frames per host-file read of a streamed check: a small buffer, few semihosting calls. */
const FRAMES_PER_READ = 32;

/** The battery level the check passes to every uplink. */
export const CHECK_BATTERY_PCT = 100;

/** The frames of the check stream, channel-major as the feature graph's TS reference takes them. */
export function checkFrames(frames: number, channels: number, seed: number): Float32Array[] {
  let state = seed >>> 0 || 1;
  const out = Array.from({ length: channels }, () => new Float32Array(frames));
  for (let t = 0; t < frames; t++) {
    for (let c = 0; c < channels; c++) {
      state ^= state << 13;
      state >>>= 0;
      state ^= state >>> 17;
      state ^= state << 5;
      state >>>= 0;
      const noise = (state >>> 22) - 512;
      const phase = (t * (c + 3) * 7) % 400;
      const tri = phase < 200 ? phase : 400 - phase;
      out[c]![t] = (tri * 20 + noise) / 512;
    }
  }
  return out;
}

/**
 * The TypeScript reference: per window `index margin alert fault`, per period the uplink hex (or `none`). The
 * sensor check sees the raw frames, the feature graph the cleaned ones; a faulty window is not classified.
 */
export function referenceRun(
  options: AppLibraryOptions,
  lib: AppLibrary,
  check: LibraryCheckOptions,
): { windows: string[]; uplinks: string[] } {
  const graph = compileGraph({ ...options.featureGraph, name: `${lib.id}_dsp` });
  const frames = lib.window + (check.windows - 1) * lib.hop;
  const channels =
    check.frames?.map((c) => c.slice(0, frames)) ?? checkFrames(frames, lib.channels, check.seed ?? 1);
  for (const o of check.overrides ?? []) channels[o.channel]!.fill(o.value, o.from, o.to);
  const rows = computeAll(graph, cleanChannels(channels, options.sensor)).slice(0, check.windows);
  const faults = windowFaults(channels, options.sensor, lib.window, lib.hop);
  const policy = new PolicyRunner(lib.policy);
  const windows: string[] = [];
  const uplinks: string[] = [];
  rows.forEach((row, w) => {
    const sensorFault = faults[w]!;
    // Without a model the window has no class of its own: the policy gets class 0 and its class rule
    // replaces it (as the generated infer does).
    const { index, margin } =
      sensorFault || !options.model
        ? { index: lib.classes.length, margin: 0 }
        : argmaxInt8(runInt8(options.model, quantizeModelInput(options.model, row.features)));
    const { alertNow } = policy.push({
      classIndex: options.model || sensorFault ? index : 0,
      confidence: Math.fround(margin / 255),
      features: row.features,
      sensorFault,
    });
    windows.push(`${index} ${margin} ${alertNow ? 1 : 0} ${sensorFault}`);
    if ((w + 1) % check.period === 0) {
      let hex = 'none';
      try {
        hex = toHex(encode(options.payload, policy.summary(CHECK_BATTERY_PCT) as never));
      } catch {
        // An invalid value (NaN on a field that does not saturate): the C encoder returns 0 bytes too.
      }
      uplinks.push(hex);
      policy.newPeriod();
    }
  });
  return { windows, uplinks };
}

/** next_frame() computing the generated stream (as checkFrames). */
function generatedFrames(lib: AppLibrary): string[] {
  return [
    'static void next_frame(uint32_t t) {',
    `  for (uint16_t c = 0; c < ${lib.channels}; c++) {`,
    '    state ^= state << 13;',
    '    state ^= state >> 17;',
    '    state ^= state << 5;',
    '    int32_t noise = (int32_t)(state >> 22) - 512;',
    '    int32_t phase = (int32_t)((t * (uint32_t)(c + 3) * 7UL) % 400UL);',
    '    int32_t tri = phase < 200 ? phase : 400 - phase;',
    '    frame[c] = (float)(tri * 20 + noise) / 512.0f;',
    '  }',
    '}',
  ];
}

/** A recorded sample as a C constant (recordings may hold NaN or infinities). */
const sampleLiteral = (v: number): string =>
  Number.isNaN(v) ? 'NAN' : v === Infinity ? 'INFINITY' : v === -Infinity ? '-INFINITY' : cFloat(v);

/** apply_overrides(t): the check's sample overrides, written over frame t. */
function overriddenFrames(lib: AppLibrary, check: LibraryCheckOptions): string[] {
  const overrides = check.overrides ?? [];
  if (!overrides.length) return ['static void apply_overrides(uint32_t t) { (void)t; }'];
  for (const o of overrides) {
    if (!(Number.isInteger(o.channel) && o.channel >= 0 && o.channel < lib.channels))
      throw new MurmurError(`channel ${o.channel} of ${lib.channels}`, { field: 'overrides.channel' });
  }
  return [
    'static const struct { uint32_t from, to; uint16_t channel; float value; } overrides[] = {',
    ...overrides.map((o) => `  { ${o.from}UL, ${o.to}UL, ${o.channel}u, ${sampleLiteral(o.value)} },`),
    '};',
    '',
    'static void apply_overrides(uint32_t t) {',
    `  for (uint16_t i = 0; i < ${overrides.length}u; i++)`,
    '    if (t >= overrides[i].from && t < overrides[i].to) frame[overrides[i].channel] = overrides[i].value;',
    '}',
  ];
}

/** The recorded frames of a check, frame-major (every channel of frame 0, then of frame 1, ...). */
function interleavedFrames(lib: AppLibrary, check: LibraryCheckOptions): Float32Array {
  const n = lib.window + (check.windows - 1) * lib.hop;
  const out = new Float32Array(n * lib.channels);
  for (let t = 0; t < n; t++)
    for (let c = 0; c < lib.channels; c++) out[t * lib.channels + c] = check.frames![c]![t]!;
  return out;
}

/** next_frame() reading recorded frames from a host file of float32 values, FRAMES_PER_READ at a time. */
function streamedFrames(lib: AppLibrary): string[] {
  return [
    `static float chunk[${FRAMES_PER_READ * lib.channels}];`,
    'static uint32_t chunk_start;',
    'static uint32_t chunk_frames;',
    'static int32_t frames_file = -1;',
    '',
    'static void next_frame(uint32_t t) {',
    '  if (t >= chunk_start + chunk_frames) {',
    '    chunk_start = t;',
    `    chunk_frames = (uint32_t)(murmur_host_file_read(frames_file, chunk, sizeof chunk) / (${lib.channels}u * sizeof(float)));`,
    '    if (chunk_frames == 0) {',
    '      murmur_console_write("error: the frames file ended\\n");',
    '      murmur_system_exit(2);',
    '    }',
    '  }',
    `  for (uint16_t c = 0; c < ${lib.channels}; c++) frame[c] = chunk[(t - chunk_start) * ${lib.channels}UL + c];`,
    '}',
  ];
}

/** next_frame() reading recorded frames compiled in as exact float32 constants. */
function recordedFrames(lib: AppLibrary, check: LibraryCheckOptions): string[] {
  const values = Array.from(interleavedFrames(lib, check), sampleLiteral);
  const lines: string[] = [];
  for (let i = 0; i < values.length; i += 8) lines.push(`  ${values.slice(i, i + 8).join(', ')},`);
  return [
    `static MURMUR_ROM float recorded[${values.length}] = {`,
    ...lines,
    '};',
    '',
    'static void next_frame(uint32_t t) {',
    `  for (uint16_t c = 0; c < ${lib.channels}; c++) frame[c] = recorded[t * ${lib.channels}UL + c];`,
    '}',
  ];
}

/**
 * The C program that streams the check frames through the library and prints results and costs. With
 * `framesFile`, recorded frames are read from that host file (float32, frame-major, as runLibraryCheck
 * writes it), else they are compiled in.
 */
export function libraryCheckProgram(
  options: AppLibraryOptions,
  lib: AppLibrary,
  check: LibraryCheckOptions,
  framesFile?: string,
): string {
  const prefix = `murmur_${lib.id}`;
  const ID = prefix.toUpperCase();
  const frames = !check.frames
    ? generatedFrames(lib)
    : framesFile
      ? streamedFrames(lib)
      : recordedFrames(lib, check);
  const openFrames = framesFile
    ? [
        `  frames_file = murmur_host_file_open(${JSON.stringify(framesFile)});`,
        '  if (frames_file < 0) {',
        '    murmur_console_write("error: cannot open the frames file\\n");',
        '    return 2;',
        '  }',
      ]
    : [];
  const totalFrames = lib.window + (check.windows - 1) * lib.hop;
  // A profiled model (runLibraryCheck with perLayer) keeps each layer's cost; reported once the model's own
  // measurement has ended, for the windows it ran on.
  const model = lib.model?.prefix;
  const layerReports = lib.model?.options.profile
    ? [
        '    if (!result.sensor_fault) {',
        `      murmur_cost_report("input", ${model}_input_cost);`,
        ...Array.from(
          { length: options.model!.layers.length },
          (_, i) => `      murmur_cost_report("layer${i}", ${model}_layer_cost[${i}]);`,
        ),
        '    }',
      ]
    : [];
  return [
    cComment([
      `Generated by @murmur/codegen: streams ${check.windows} windows through ${prefix} and prints every result.`,
    ]),
    '#include <math.h>',
    '#include <stdbool.h>',
    '#include <stdint.h>',
    '#include "murmur_console.h"',
    '#include "murmur_cost.h"',
    ...(framesFile ? ['#include "murmur_host_file.h"'] : []),
    // MURMUR_ROM (the recorded frames in flash on AVR): from the model kernels, or the DSP runtime without a model.
    lib.model ? '#include "murmur_nn.h"' : '#include "murmur_dsp.h"',
    `#include "${prefix}.h"`,
    ...(layerReports.length ? [`#include "${lib.model!.headerName}"`] : []),
    '',
    'void murmur_cost_report(const char *label, uint32_t value);',
    '',
    ...(check.frames ? [] : [`static uint32_t state = ${(check.seed ?? 1) >>> 0 || 1}UL;`]),
    `static float pending[${pushFrames(lib) * lib.channels}];`,
    'static float *frame = pending;',
    `static uint8_t uplink[${ID}_UPLINK_SIZE];`,
    '',
    ...frames,
    '',
    ...overriddenFrames(lib, check),
    '',
    'int main(void) {',
    ...openFrames,
    `  ${prefix}_inputs inputs = { ${CHECK_BATTERY_PCT} };`,
    `  ${prefix}_result result;`,
    '  uint32_t t = 0;',
    '  size_t have = 0;',
    '  size_t used = 0;',
    '  uint32_t features_cost = 0;',
    `  ${prefix}_init();`,
    `  for (uint16_t w = 0; w < ${check.windows}; w++) {`,
    `    while (!${prefix}_ready()) {`,
    '      if (used == have) {',
    `        have = 1u + t % ${pushFrames(lib)}u;`,
    `        if (have > ${totalFrames}UL - t) have = ${totalFrames}UL - t;`,
    '        for (size_t i = 0; i < have; i++) {',
    `          frame = pending + i * ${lib.channels}u;`,
    '          next_frame(t);',
    '          apply_overrides(t++);',
    '        }',
    '        used = 0;',
    '      }',
    '      murmur_cost_begin();',
    `      used += ${prefix}_push_samples(pending + used * ${lib.channels}u, have - used);`,
    '      features_cost += murmur_cost_end();',
    '    }',
    '    murmur_cost_report("features", features_cost);',
    '    features_cost = 0;',
    '    murmur_cost_begin();',
    `    int status = ${prefix}_infer(&result);`,
    '    murmur_cost_report("model", murmur_cost_end());',
    '    if (status != 0) {',
    '      murmur_console_printf("error %d\\n", status);',
    '      return 1;',
    '    }',
    ...layerReports,
    '    murmur_console_printf("w %u %u %u %u\\n", (unsigned)result.class_index, (unsigned)result.margin, (unsigned)result.alert,',
    '                          (unsigned)result.sensor_fault);',
    `    if ((w + 1) % ${check.period} == 0) {`,
    '      murmur_cost_begin();',
    `      size_t n = ${prefix}_encode_uplink(&inputs, uplink, sizeof uplink);`,
    '      murmur_cost_report("payload", murmur_cost_end());',
    '      if (n == 0) murmur_console_write("uplink none\\n");',
    '      else {',
    '        murmur_console_write("uplink ");',
    '        for (size_t i = 0; i < n; i++) murmur_console_printf("%02x", (unsigned)uplink[i]);',
    '        murmur_console_write("\\n");',
    '      }',
    '    }',
    '  }',
    '  return 0;',
    '}',
    '',
  ].join('\n');
}

const stage = (values: number[]): StageCost => ({
  mean: values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0,
  max: values.length ? Math.max(...values) : 0,
});

/**
 * The per-layer costs of a profiled check run: each window's `model` measurement followed by its `input`
 * and `layer<i>` ones (none for a faulty window, which the model does not see).
 */
export function layerCosts(costs: readonly { label: string; value: number }[], layers: number): LayerCosts {
  const model: number[] = [];
  const input: number[] = [];
  const perLayer: number[][] = Array.from({ length: layers }, () => []);
  let lastModel: number | undefined;
  for (const { label, value } of costs) {
    if (label === 'model') lastModel = value;
    else if (label === 'input') {
      if (lastModel === undefined) throw new Error("the check program reported 'input' before 'model'");
      model.push(lastModel);
      input.push(value);
      lastModel = undefined;
    } else {
      const m = /^layer(\d+)$/.exec(label);
      if (m) perLayer[Number(m[1])]?.push(value);
    }
  }
  perLayer.forEach((values, i) => {
    if (values.length !== input.length)
      throw new Error(`the check program reported layer ${i} on ${values.length} of ${input.length} windows`);
  });
  return { windows: input.length, model: stage(model), input: stage(input), layers: perLayer.map(stage) };
}

/**
 * The library with its model's per-layer cost probes: the same files but the model's header and source,
 * generated with the same options and `profile`.
 */
function withLayerProbes(lib: AppLibrary, options: AppLibraryOptions): AppLibrary {
  if (!options.model || !lib.model) return lib;
  const model = generateModelCode(options.model, { ...lib.model.options, profile: true });
  const text = new Map([
    [`src/${model.headerName}`, model.header],
    [`src/${model.sourceName}`, model.source],
  ]);
  if (![...text.keys()].every((path) => lib.files.some((f) => f.path === path)))
    throw new Error(`the library has no ${model.sourceName} to profile`);
  return { ...lib, model, files: lib.files.map((f) => ({ ...f, text: text.get(f.path) ?? f.text })) };
}

/** Generates the library, builds it with the check program for the board, runs it and compares. */
export async function runLibraryCheck(
  board: Board,
  options: AppLibraryOptions,
  check: LibraryCheckOptions,
  build: { sanitize?: boolean; outDir?: string } = {},
): Promise<LibraryCheckResult> {
  const lib = check.perLayer
    ? withLayerProbes(generateAppLibrary({ ...options, board }), options)
    : generateAppLibrary({ ...options, board });
  const dir = build.outDir ?? mkdtempSync(join(tmpdir(), 'murmur-library-'));
  try {
    for (const f of lib.files) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.text);
    }
    let framesFile: string | undefined;
    if (check.frames && streamsRecordedFrames(board)) {
      framesFile = join(dir, 'frames.f32');
      const frames = interleavedFrames(lib, check);
      writeFileSync(framesFile, new Uint8Array(frames.buffer, frames.byteOffset, frames.byteLength));
    }
    writeFileSync(join(dir, 'check.c'), libraryCheckProgram(options, lib, check, framesFile));
    const run = await buildAndRun({
      board,
      sources: [...lib.sources.map((s) => join(dir, s)), join(dir, 'check.c')],
      includeDirs: [join(dir, 'src')],
      sanitize: build.sanitize,
      outDir: join(dir, 'build'),
      timeoutMs: 300_000,
    });
    const reference = referenceRun(options, lib, check);
    const windows = run.lines.filter((l) => l.startsWith('w ')).map((l) => l.slice(2));
    const uplinks = run.lines.filter((l) => l.startsWith('uplink ')).map((l) => l.slice(7));
    const mismatches: string[] = [];
    let windowsEqual = 0;
    reference.windows.forEach((want, i) => {
      if (windows[i] === want) windowsEqual++;
      else if (mismatches.length < 5)
        mismatches.push(`window ${i}: got '${windows[i] ?? 'nothing'}', want '${want}'`);
    });
    let uplinksEqual = 0;
    reference.uplinks.forEach((want, i) => {
      if (uplinks[i] === want) uplinksEqual++;
      else if (mismatches.length < 10)
        mismatches.push(`uplink ${i}: got ${uplinks[i] ?? 'nothing'}, want ${want}`);
    });
    if (run.exitCode !== 0)
      mismatches.push(
        `exit status ${run.exitCode}: ${run.lines.slice(-3).join(' | ')} ${run.stderr.slice(-500)}`,
      );
    const costs = (label: string): number[] => run.costs.filter((c) => c.label === label).map((c) => c.value);
    const memory = run.image.memory;
    return {
      board: board.id,
      windows: reference.windows.length,
      windowsEqual,
      uplinks: reference.uplinks.length,
      uplinksEqual,
      mismatches,
      outputs: windows,
      uplinkHex: uplinks,
      unit: run.costUnit,
      cost: {
        features: stage(costs('features')),
        model: stage(costs('model')),
        payload: stage(costs('payload')),
      },
      ...(check.perLayer && options.model && run.costUnit !== 'none'
        ? { perLayer: layerCosts(run.costs, options.model.layers.length) }
        : {}),
      memory: memory && { flash: memory.flash.used, ram: memory.ram.total, stack: memory.ram.stack },
      modelFlash: memory ? (lib.model ? await modelFlashBytes(board, run.image.elf) : 0) : undefined,
      weightBytes: lib.model?.weightBytes ?? 0,
      arenaBytes: lib.model?.plan.size ?? 0,
      macs: lib.model?.macs ?? 0,
    };
  } finally {
    if (!build.outDir) rmSync(dir, { recursive: true, force: true });
  }
}
