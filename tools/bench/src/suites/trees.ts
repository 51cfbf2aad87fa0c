import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Board } from '@murmur/boards';
import type { CompressedModel } from '@murmur/kernels';
import type { BootstrapSummary, GeneratedTreeCode, TreeLayout, TreeSpec } from '@murmur/trees';
import type { BenchSuite } from '../suite';

/**
 * The tree family against the app's MLP on wearable-activity's features, on the same subject folds (the
 * app's `subjects` scheme: 5 folds of whole subjects, the model's seed):
 *   accuracy and macro-F1 of the integer (device) model pooled over the held-out rows, with 95 % intervals
 *   from a subject-level bootstrap (1000 resamples), and the float model's accuracy;
 *   per layout (flat node table, if-else) and core (the Arduino Uno's ATmega328P under simavr: cycles;
 *   the Cortex-M0 of the micro:bit under QEMU: instructions) the model's flash (its symbols in the linked
 *   image), static RAM, stack of one prediction and the cost of one prediction (float features in, class
 *   out: quantize + trees + argmax), mean and maximum over 64 held-out rows, each build's output checked
 *   byte-equal with the TS reference first.
 * The MLP (the app's settings, int8 as `murmur compress` makes it) gets the same figures: its cost is one
 * int8 inference from an int8 input (the float-to-int8 input step is in the library, not measured here).
 */

const APP = 'wearable-activity';
const CORES = ['arduino-uno-rn2483', 'qemu-microbit'];
const ROWS_MEASURED = 64;

/** Beside the defaults the build's candidates use: int8 variants and a larger forest, for the figures. */
const benchOnlySpecs: TreeSpec[] = [
  {
    name: 'tree-d8-int8',
    params: { kind: 'tree', maxDepth: 8, minSamplesLeaf: 5 },
    bits: 8,
    layout: 'table',
  },
  {
    name: 'forest20-d8-int16',
    params: { kind: 'forest', trees: 20, maxDepth: 8, minSamplesLeaf: 2 },
    bits: 16,
    layout: 'table',
  },
  {
    name: 'boosted20-d3-int8',
    params: { kind: 'boosted', rounds: 20, maxDepth: 3, learningRate: 0.3, minSamplesLeaf: 3 },
    bits: 8,
    layout: 'table',
  },
];

const round = (v: number, digits = 4): number => Number(v.toFixed(digits));
const interval = (b: BootstrapSummary) => ({
  accuracy: { value: round(b.accuracy.value), low: round(b.accuracy.low), high: round(b.accuracy.high) },
  macroF1: { value: round(b.macroF1.value), low: round(b.macroF1.low), high: round(b.macroF1.high) },
  windows: b.windows,
  subjects: b.subjects,
});

interface Measured {
  board: string;
  unit: string;
  flashBytes: number;
  staticRamBytes: number;
  stackBytes: number;
  costMean: number;
  costMax: number;
  [extra: string]: number | string | boolean;
}

/** Sizes of the defined symbols whose names `keep` accepts, split into flash (t, r) and RAM (b, d) types. */
async function symbolBytes(board: Board, elf: string, keep: (name: string) => boolean) {
  const { runTool } = await import('@murmur/firmware');
  const { isAvrCore } = await import('@murmur/boards');
  const nm = isAvrCore(board.mcu.core) ? 'avr-nm' : 'arm-none-eabi-nm';
  const out = await runTool(nm, ['--print-size', '--defined-only', elf]);
  if (out.code !== 0) throw new Error(`${nm} failed: ${out.stderr}`);
  let flash = 0;
  let ram = 0;
  for (const line of out.stdout.split('\n')) {
    const m = /^[0-9a-f]+ ([0-9a-f]+) ([a-zA-Z]) (\S+)$/.exec(line.trim());
    if (!m || !keep(m[3]!)) continue;
    const size = parseInt(m[1]!, 16);
    if (/[bBdD]/.test(m[2]!)) ram += size;
    else flash += size;
  }
  return { flash, ram };
}

/** Stack frames (gcc -fstack-usage) of the functions whose names `keep` accepts, by name. */
function stackFrames(objDir: string, keep: (name: string) => boolean): Map<string, number> {
  const frames = new Map<string, number>();
  for (const file of readdirSync(objDir).filter((f) => f.endsWith('.su')))
    for (const line of readFileSync(join(objDir, file), 'utf8').split('\n')) {
      const m = /:([A-Za-z_][A-Za-z0-9_]*)\t(\d+)\t/.exec(line);
      if (m && keep(m[1]!)) frames.set(m[1]!, Math.max(frames.get(m[1]!) ?? 0, Number(m[2])));
    }
  return frames;
}

/** Builds and runs a program for a board's emulator; returns the run and the build folder. */
async function buildRun(board: Board, dir: string, sources: string[], includeDirs: string[]) {
  const { buildFirmware, runOnEmulator } = await import('@murmur/firmware');
  const image = await buildFirmware({ board, sources, includeDirs, outDir: join(dir, 'build') });
  const run = await runOnEmulator({ board, elf: image.elf, timeoutMs: 120_000 });
  if (run.exitCode !== 0) throw new Error(`${board.id}: exit ${run.exitCode}: ${run.stderr.slice(-1000)}`);
  return { image, run, objDir: join(dir, 'build', 'obj') };
}

/** Checks one generated tree model byte for byte on a board, then measures it. */
async function measureTrees(
  board: Board,
  code: GeneratedTreeCode,
  expected: string[],
  rows: Float32Array[],
): Promise<Measured> {
  const trees = await import('@murmur/trees');
  const dir = mkdtempSync(join(tmpdir(), 'murmur-bench-trees-'));
  try {
    writeFileSync(join(dir, code.headerName), code.header);
    writeFileSync(join(dir, code.sourceName), code.source);
    writeFileSync(join(dir, 'check.c'), trees.treeCheckProgram(code, rows));
    const check = await buildRun(
      board,
      join(dir, 'check'),
      [join(dir, code.sourceName), join(dir, 'check.c')],
      [dir],
    );
    const bitExact = JSON.stringify(check.run.lines) === JSON.stringify(expected);
    writeFileSync(join(dir, 'cost.c'), trees.treeCostProgram(code, rows));
    const cost = await buildRun(
      board,
      join(dir, 'cost'),
      [join(dir, code.sourceName), join(dir, 'cost.c')],
      [dir],
    );
    const mine = (name: string): boolean => name.startsWith(`${code.prefix}_`);
    const bytes = await symbolBytes(board, cost.image.elf, mine);
    const frames = stackFrames(cost.objDir, mine);
    const predict = frames.get(`${code.prefix}_predict`) ?? 0;
    const deepest = Math.max(0, ...[...frames].filter(([n]) => !n.endsWith('_predict')).map(([, v]) => v));
    const costOf = (label: string): number => cost.run.costs.find((c) => c.label === label)?.value ?? NaN;
    return {
      board: board.id,
      unit: cost.run.costUnit,
      bitExact,
      flashBytes: bytes.flash,
      staticRamBytes: bytes.ram,
      stackBytes: predict + deepest,
      costMean: costOf('predict_mean'),
      costMax: costOf('predict_max'),
      quantizeMean: costOf('quantize_mean'),
      classifyMean: costOf('classify_mean'),
      classifyMax: costOf('classify_max'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One int8 inference of the MLP (input already int8), on a board: flash of kernels + model, arena, cost. */
async function measureMlp(board: Board, model: CompressedModel, input: Int8Array): Promise<Measured> {
  const { generateModelCode, cArray } = await import('@murmur/codegen');
  const { kernelDir, kernelSources } = await import('@murmur/kernels');
  const dir = mkdtempSync(join(tmpdir(), 'murmur-bench-mlp-'));
  try {
    const g = generateModelCode(model, { name: 'mlp' });
    writeFileSync(join(dir, g.headerName), g.header);
    writeFileSync(join(dir, g.sourceName), g.source);
    writeFileSync(
      join(dir, 'main.c'),
      [
        '#include <stdint.h>',
        '#include "murmur_cost.h"',
        '#include "murmur_nn.h"',
        `#include "${g.headerName}"`,
        cArray('static MURMUR_ROM', 'int8_t', 'input_rom', input),
        `static int8_t output[${g.outputSize}];`,
        'int main(void) {',
        `  int8_t *input = ${g.prefix}_input();`,
        '  uint32_t sum = 0, max = 0, c;',
        '  uint16_t i, r;',
        `  for (r = 0; r < ${ROWS_MEASURED}; r++) {`,
        `    for (i = 0; i < ${g.inputSize}; i++) input[i] = input_rom[i];`,
        '    murmur_cost_begin();',
        `    if (${g.prefix}_run(output) != 0) return 1;`,
        '    c = murmur_cost_end();',
        '    sum += c;',
        '    if (c > max) max = c;',
        '  }',
        `  murmur_cost_report("predict_mean", sum / ${ROWS_MEASURED}u);`,
        '  murmur_cost_report("predict_max", max);',
        '  return 0;',
        '}',
        '',
      ].join('\n'),
    );
    const built = await buildRun(
      board,
      dir,
      [...kernelSources, join(dir, g.sourceName), join(dir, 'main.c')],
      [kernelDir, dir],
    );
    const harness = /^murmur_(console_|cost_|board_|system_)/;
    const mine = (name: string): boolean => name.startsWith('murmur_') && !harness.test(name);
    const bytes = await symbolBytes(board, built.image.elf, mine);
    const frames = stackFrames(built.objDir, mine);
    const costOf = (label: string): number => built.run.costs.find((c) => c.label === label)?.value ?? NaN;
    return {
      board: board.id,
      unit: built.run.costUnit,
      flashBytes: bytes.flash,
      staticRamBytes: bytes.ram,
      stackBytes:
        (frames.get(`${g.prefix}_run`) ?? 0) +
        Math.max(0, ...[...frames].filter(([n]) => n !== `${g.prefix}_run`).map(([, v]) => v)),
      costMean: costOf('predict_mean'),
      costMax: costOf('predict_max'),
      weightBytes: g.weightBytes,
      arenaBytes: g.plan.size,
      macs: g.macs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const suite: BenchSuite = {
  name: 'trees',
  description:
    'decision tree, random forest and boosted trees vs the MLP on wearable-activity: subject-wise CV accuracy ± 95 % interval, flash, RAM, cycles on the Uno, instructions on the M0',
  async run() {
    const { appModelSpec, appRows, loadApp } = await import('@murmur/app');
    const { resolveDataSource } = await import('@murmur/datasets');
    const { getBoard } = await import('@murmur/boards');
    const trees = await import('@murmur/trees');
    const app = await loadApp(APP);
    const spec = appModelSpec(app);
    const rows = await appRows(app);
    const seed = spec.settings.seed;
    const scheme = app.crossValidation?.['subjects'];
    const k = typeof scheme === 'number' ? scheme : 5;
    const { groupFolds } = await import('@murmur/nn');
    const folds = groupFolds(rows.groups, k, seed);
    const boards = CORES.map((id) => getBoard(id));
    // Held-out rows of the first fold for the byte-equality checks and the cost (the deployed model is trained
    // on every row, so any rows will do; these are real windows).
    const measureRows = trees
      .foldIndices(rows, folds[0]!)
      .test.slice(0, ROWS_MEASURED)
      .map((i) => rows.x[i]!);

    // The app's MLP on the same folds (float and int8 per fold), then trained on every row for the device figures.
    let mlp: unknown;
    let reference: { name: string; predictions: number[] } | undefined;
    try {
      const c = await import('@murmur/compress');
      const { classifyInt8, quantizeModelInput } = await import('@murmur/kernels');
      const { predictClasses } = await import('@murmur/nn');
      const truth: number[] = [];
      const floatPred: number[] = [];
      const int8Pred: number[] = [];
      const groups: string[] = [];
      const rowFloat: number[] = new Array<number>(rows.x.length);
      const start = performance.now();
      for (const [f, fold] of folds.entries()) {
        const { train, test } = trees.foldIndices(rows, fold);
        const trainRows = c.selectRows(rows, train);
        const fit = await c.fitAppModel(spec, trainRows, { quiet: true, label: `trees bench fold ${f + 1}` });
        const int8 = c.quantizeModel(fit.model, c.calibrate(fit.model, trainRows.x.slice(0, 512)));
        const testX = test.map((i) => rows.x[i]!);
        const floats = predictClasses(fit.model, testX);
        floatPred.push(...floats);
        test.forEach((row, j) => (rowFloat[row] = floats[j]!));
        int8Pred.push(...testX.map((x) => classifyInt8(int8, x).index));
        truth.push(...test.map((i) => rows.y[i]!));
        groups.push(...test.map((i) => rows.groups[i]!));
      }
      const classes = rows.classes.length;
      reference = {
        name: `the float MLP ${[rows.x[0]!.length, ...spec.settings.hidden, classes].join('-')} on the same folds`,
        predictions: rowFloat,
      };
      const floatCorrect = truth.filter((t, i) => t === floatPred[i]).length;
      const cvSeconds = (performance.now() - start) / 1000;
      const all = await c.fitAppModel(spec, rows, { quiet: true, label: 'trees bench all rows' });
      const deployed = c.quantizeModel(all.model, c.calibrate(all.model, rows.x.slice(0, 512)));
      const input = quantizeModelInput(deployed, measureRows[0]!);
      const perBoard: Record<string, unknown> = {};
      for (const board of boards) {
        try {
          perBoard[board.id] = await measureMlp(board, deployed, input);
        } catch (e) {
          perBoard[board.id] = { error: (e as Error).message.replace(/\s+/g, ' ').slice(0, 400) };
        }
      }
      mlp = {
        name: `mlp ${[rows.x[0]!.length, ...spec.settings.hidden, classes].join('-')} int8`,
        hidden: spec.settings.hidden,
        quantizedAccuracy: round(truth.filter((t, i) => t === int8Pred[i]).length / truth.length),
        floatAccuracy: round(floatCorrect / truth.length),
        interval: interval(
          trees.subjectBootstrap(truth, int8Pred, groups, classes, { seed, resamples: 1000 }),
        ),
        floatInterval: interval(
          trees.subjectBootstrap(truth, floatPred, groups, classes, { seed, resamples: 1000 }),
        ),
        cvSeconds: round(cvSeconds, 1),
        layouts: { int8: perBoard },
      };
    } catch (e) {
      mlp = { error: (e as Error).message.replace(/\s+/g, ' ').slice(0, 400) };
    }

    const results = [];
    for (const s of [...trees.defaultTreeSpecs, ...benchOnlySpecs]) {
      const [candidate] = trees.evaluateTreeCandidates(rows, folds, [s], {
        seed,
        resamples: 1000,
        reference,
      });
      const c = candidate!;
      const layouts: Record<string, unknown> = {};
      for (const layout of ['table', 'ifelse'] as TreeLayout[]) {
        const code = trees.generateTreeCode(c.trained.model, {
          prefix: `wa_${s.params.kind}`,
          layout,
          from: `${APP}: ${s.name}`,
        });
        const expected = trees.expectedCheckLines(c.trained.model, measureRows);
        const perBoard: Record<string, unknown> = {};
        for (const board of boards) {
          try {
            perBoard[board.id] = await measureTrees(board, code, expected, measureRows);
          } catch (e) {
            perBoard[board.id] = { error: (e as Error).message.replace(/\s+/g, ' ').slice(0, 400) };
          }
        }
        layouts[layout] = perBoard;
      }
      results.push({
        name: s.name,
        kind: s.params.kind,
        params: s.params,
        featureBits: s.bits,
        quantizedAccuracy: round(c.accuracy),
        floatAccuracy: round(c.treeFloatAccuracy),
        quantizationDropPp: round(c.quantizationDropPp, 2),
        interval: interval(c.interval),
        dropVsFloatMlpPp: reference
          ? {
              value: round(c.cv.dropPp, 2),
              low: round(c.cv.dropCi[0], 2),
              high: round(c.cv.dropCi[1], 2),
            }
          : null,
        cvSeconds: round(c.seconds, 1),
        deployed: {
          trees: c.trained.size.trees,
          nodes: c.trained.size.nodes,
          leaves: c.trained.size.leaves,
          tableBytesAvr: trees.treeModelSize(c.trained.model, 'avr').tableBytes,
          tableBytesArm: trees.treeModelSize(c.trained.model, 'arm').tableBytes,
          bufferBytes: c.trained.size.bufferBytes,
        },
        layouts,
      });
      process.stderr.write(
        `bench trees: ${s.name}: ${(100 * c.accuracy).toFixed(1)} % [${(100 * c.interval.accuracy.low).toFixed(1)}, ${(100 * c.interval.accuracy.high).toFixed(1)}]\n`,
      );
    }

    return {
      app: APP,
      data: resolveDataSource(app.features.dataset).dataDir,
      windows: rows.x.length,
      subjects: new Set(rows.groups).size,
      features: rows.x[0]!.length,
      classes: rows.classes,
      folds: folds.map((f) => f.name),
      notes: [
        'accuracy/macroF1: integer (device) model pooled over the held-out subjects of every fold; intervals: 95 % subject-level bootstrap (1000 resamples)',
        'flashBytes: the model symbols in the linked image (trees: constants + quantize/classify/predict code; MLP: int8 kernels + weights + run)',
        'stackBytes: gcc -fstack-usage frames of the entry function plus its deepest callee; staticRamBytes: .bss/.data of the model (the MLP arena)',
        'costMean/costMax: one prediction over 64 held-out rows, cycles on the ATmega328P (simavr, arduino-uno-rn2483 memory map), instructions on the Cortex-M0 (QEMU microbit -icount); trees from float features (quantize + classify), the MLP from an int8 input',
      ],
      trees: results,
      mlp,
    };
  },
};
