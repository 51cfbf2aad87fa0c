/** A quantized tree model as JSON (typed arrays as plain arrays) and back, checked on the way in. */
import { MurmurError } from '@murmur/core';
import type { QuantizedTreeModel, TreeKind } from './types';

export const TREE_MODEL_FORMAT = 'murmur-trees/1';

export function treeModelToJson(model: QuantizedTreeModel): string {
  const plain = {
    format: TREE_MODEL_FORMAT,
    kind: model.kind,
    classes: model.classes,
    features: model.features,
    quantizer: {
      bits: model.quantizer.bits,
      offset: Array.from(model.quantizer.offset),
      scale: Array.from(model.quantizer.scale),
    },
    trees: model.trees.map((t) => t.root),
    nodes: {
      feature: Array.from(model.nodes.feature),
      threshold: Array.from(model.nodes.threshold),
      left: Array.from(model.nodes.left),
      right: Array.from(model.nodes.right),
    },
    leafScores: model.leafScores ? Array.from(model.leafScores) : undefined,
    base: model.base ? Array.from(model.base) : undefined,
    scoreShift: model.scoreShift,
    params: model.params,
  };
  return `${JSON.stringify(plain)}\n`;
}

/** Parses treeModelToJson's output; throws a MurmurError naming the field that is wrong. */
export function treeModelFromJson(text: string, file?: string): QuantizedTreeModel {
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new MurmurError(`not JSON: ${(e as Error).message}`, { file });
  }
  const fail = (field: string, why: string): never => {
    throw new MurmurError(`tree model: ${why}`, { file, field });
  };
  if (j['format'] !== TREE_MODEL_FORMAT) fail('format', `format is not '${TREE_MODEL_FORMAT}'`);
  const kind = j['kind'] as TreeKind;
  if (!['tree', 'forest', 'boosted'].includes(kind)) fail('kind', `unknown kind '${String(kind)}'`);
  const ints = (v: unknown, field: string): number[] =>
    Array.isArray(v) && v.every((x) => Number.isInteger(x))
      ? (v as number[])
      : fail(field, 'not a list of integers');
  const q = j['quantizer'] as { bits: 8 | 16; offset: number[]; scale: number[] } | undefined;
  if (!q || (q.bits !== 8 && q.bits !== 16)) fail('quantizer.bits', 'must be 8 or 16');
  const nodes = (j['nodes'] ?? {}) as Record<string, unknown>;
  const model: QuantizedTreeModel = {
    kind,
    classes: Number(j['classes']),
    features: Number(j['features']),
    quantizer: { bits: q!.bits, offset: Float32Array.from(q!.offset), scale: Float32Array.from(q!.scale) },
    trees: ints(j['trees'], 'trees').map((root) => ({ root })),
    nodes: {
      feature: Uint8Array.from(ints(nodes['feature'], 'nodes.feature')),
      threshold: Int16Array.from(ints(nodes['threshold'], 'nodes.threshold')),
      left: Int16Array.from(ints(nodes['left'], 'nodes.left')),
      right: Int16Array.from(ints(nodes['right'], 'nodes.right')),
    },
    params: (j['params'] ?? {}) as Record<string, number | string>,
  };
  if (kind === 'boosted') {
    model.leafScores = Int16Array.from(ints(j['leafScores'], 'leafScores'));
    model.base = Int32Array.from(ints(j['base'], 'base'));
    model.scoreShift = Number(j['scoreShift']);
  }
  checkTreeModel(model, file);
  return model;
}

/** Every index in range: node children, leaves, features, classes (what the C relies on). */
export function checkTreeModel(model: QuantizedTreeModel, file?: string): void {
  const fail = (field: string, why: string): never => {
    throw new MurmurError(`tree model: ${why}`, { file, field });
  };
  const { classes, features } = model;
  if (!Number.isInteger(classes) || classes < 2 || classes > 255) fail('classes', 'must be 2..255');
  if (!Number.isInteger(features) || features < 1 || features > 255) fail('features', 'must be 1..255');
  if (model.quantizer.offset.length !== features || model.quantizer.scale.length !== features)
    fail('quantizer', `needs ${features} offsets and scales`);
  const n = model.nodes.feature.length;
  for (const k of ['threshold', 'left', 'right'] as const)
    if (model.nodes[k].length !== n) fail(`nodes.${k}`, `has ${model.nodes[k].length} entries, not ${n}`);
  const leaves = model.kind === 'boosted' ? model.leafScores!.length : classes;
  const child = (c: number, field: string): void => {
    if (c >= n || (c < 0 && ~c >= leaves)) fail(field, `child ${c} is out of range`);
  };
  const levelMin = model.quantizer.bits === 16 ? -32768 : -128;
  const levelMax = model.quantizer.bits === 16 ? 32767 : 127;
  for (let i = 0; i < n; i++) {
    if (model.nodes.feature[i]! >= features)
      fail('nodes.feature', `node ${i} reads feature ${model.nodes.feature[i]}`);
    const t = model.nodes.threshold[i]!;
    if (t < levelMin || t > levelMax)
      fail('nodes.threshold', `node ${i}'s threshold ${t} is outside int${model.quantizer.bits}`);
    // Preorder: children come after their parent, so every walk ends.
    for (const [k, c] of [
      ['left', model.nodes.left[i]!],
      ['right', model.nodes.right[i]!],
    ] as const) {
      child(c, `nodes.${k}`);
      if (c >= 0 && c <= i) fail(`nodes.${k}`, `node ${i} points back to node ${c}`);
    }
  }
  model.trees.forEach((t, i) => child(t.root, `trees[${i}]`));
  if (model.kind !== 'boosted') return;
  if (model.base!.length !== classes) fail('base', `needs ${classes} values`);
  // Every class's sum stays in int32 whatever leaves a row reaches (the C adds in int32_t).
  const worst = Array.from(model.base!, Math.abs);
  model.trees.forEach((tree, t) => {
    let most = 0;
    const stack = [tree.root];
    while (stack.length) {
      const c = stack.pop()!;
      if (c < 0) most = Math.max(most, Math.abs(model.leafScores![~c]!));
      else stack.push(model.nodes.left[c]!, model.nodes.right[c]!);
    }
    worst[t % classes]! += most;
  });
  worst.forEach((w, k) => {
    if (w > 2147483647) fail('base', `class ${k}'s score can reach ${w}, beyond int32`);
  });
}
