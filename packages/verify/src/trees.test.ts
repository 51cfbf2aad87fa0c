import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { groupFolds } from '@murmur/nn';
import { appRows, loadApp } from '@murmur/app';
import { getBoard } from '@murmur/boards';
import { testData } from '@murmur/datasets/testing';
import {
  expectedCheckLines,
  fitQuantizer,
  foldIndices,
  generateTreeCode,
  pickRows,
  quantizeTreeModel,
  trainTrees,
  treeCheckProgram,
  predictFloat,
  predictQuantized,
  type FloatTreeModel,
  type QuantizedTreeModel,
  type TreeLayout,
  type TreeModelParams,
  type TreeRows,
} from '@murmur/trees';
import { buildAndRun } from './harness';

const data = testData('wearable-activity');
const work = mkdtempSync(join(tmpdir(), 'murmur-trees-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Trains on four fifths of the subjects and checks on rows of the others, plus two rows far outside the range. */
async function realRows(): Promise<{ train: TreeRows; check: Float32Array[]; heldOut: TreeRows }> {
  const rows = await appRows(await loadApp('wearable-activity'), { dataDir: data.dataDir });
  const { train, test } = foldIndices(rows, groupFolds(rows.groups, 5, 1)[0]!);
  const features = rows.x[0]!.length;
  const heldOut = pickRows(rows, test);
  const check = [
    ...test.slice(0, 36).map((i) => rows.x[i]!),
    new Float32Array(features).fill(1e30),
    new Float32Array(features).fill(-1e30),
  ];
  return { train: pickRows(rows, train), check, heldOut };
}

const models: { name: string; params: TreeModelParams; bits: 8 | 16 }[] = [
  { name: 'tree', params: { kind: 'tree', maxDepth: 7, minSamplesLeaf: 4 }, bits: 16 },
  { name: 'forest', params: { kind: 'forest', trees: 6, maxDepth: 6, minSamplesLeaf: 2 }, bits: 16 },
  { name: 'forest8', params: { kind: 'forest', trees: 6, maxDepth: 6, minSamplesLeaf: 2 }, bits: 8 },
  {
    name: 'boosted',
    params: { kind: 'boosted', rounds: 5, maxDepth: 3, learningRate: 0.3, minSamplesLeaf: 3 },
    bits: 16,
  },
];

interface Trained {
  check: Float32Array[];
  heldOut: TreeRows;
  models: Map<string, { float: FloatTreeModel; quantized: QuantizedTreeModel }>;
}
let trained: Promise<Trained> | undefined;
function trainedModels(): Promise<Trained> {
  trained ??= realRows().then(({ train, check, heldOut }) => ({
    check,
    heldOut,
    models: new Map(
      models.map((m) => {
        const float = trainTrees(train, m.params, 1);
        const quantizer = fitQuantizer(train.x, { bits: m.bits, clip: m.bits === 8 ? 0.001 : 0 });
        return [m.name, { float, quantized: quantizeTreeModel(float, quantizer) }];
      }),
    ),
  }));
  return trained;
}

/** Builds the check program of one model and layout for a board, runs it, returns its lines and the expected ones. */
async function runCheck(boardId: string, name: string, layout: TreeLayout) {
  const { check, models: all } = await trainedModels();
  const model = all.get(name)!.quantized;
  const dir = mkdtempSync(join(work, `${boardId}-${name}-${layout}-`));
  const code = generateTreeCode(model, { prefix: `wa_${name}`, layout });
  writeFileSync(join(dir, code.headerName), code.header);
  writeFileSync(join(dir, code.sourceName), code.source);
  writeFileSync(join(dir, 'main.c'), treeCheckProgram(code, check));
  const board = getBoard(boardId);
  const run = await buildAndRun({
    board,
    sources: [join(dir, code.sourceName), join(dir, 'main.c')],
    includeDirs: [dir],
    sanitize: board.mcu.core === 'host',
    outDir: join(dir, 'build'),
    timeoutMs: 60_000,
  });
  return { run, expected: expectedCheckLines(model, check) };
}

// The generated C of every kind of tree model against the TS reference, byte for byte: class, int32 scores and
// the quantized features of recorded rows of subjects the model never saw, and two rows far outside the range.
// The host builds run with ASan and UBSan; every build is -Wall -Wextra -Werror (the firmware harness's flags).
describe.skipIf(data.skip)(data.title('generated tree models on real wearable-activity rows'), () => {
  const cases: [string, string, TreeLayout][] = [];
  for (const m of models)
    for (const layout of ['table', 'ifelse'] as const) cases.push(['native', m.name, layout]);
  for (const board of ['qemu-microbit', 'simavr-atmega328p'])
    for (const [name, layout] of [
      ['forest', 'table'],
      ['forest', 'ifelse'],
      ['forest8', 'table'],
      ['boosted', 'table'],
    ] as const)
      cases.push([board, name, layout]);
  it.each(cases)(
    '%s: %s (%s layout) equals the TS reference byte for byte',
    { timeout: 120_000 },
    async (board, name, layout) => {
      const { run, expected } = await runCheck(board, name, layout);
      expect(run.exitCode, run.stderr.slice(-2000)).toBe(0);
      expect(run.lines).toEqual(expected);
    },
  );

  // Quantization on real rows: the integer model (what the device runs) changes the float model's class on at
  // most 1 % (int16) or 3 % (int8) of the held-out rows.
  it.each(models.map((m) => [m.name, m.bits]))(
    '%s (int%i): the integer model keeps the float class on held-out subjects',
    async (name, bits) => {
      const { heldOut, models: all } = await trainedModels();
      const { float, quantized } = all.get(name as string)!;
      const changed = heldOut.x.filter(
        (x) => predictFloat(float, x) !== predictQuantized(quantized, x).index,
      );
      expect(changed.length / heldOut.x.length).toBeLessThanOrEqual(bits === 16 ? 0.01 : 0.03);
    },
  );
});
