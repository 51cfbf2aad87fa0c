/**
 * Sizes of a quantized tree model: the bytes of its constant struct in the table layout (exact: the C
 * struct's layout on each architecture) and the RAM one prediction takes (the quantized features and the
 * scores, on the stack). The if-else layout's flash is code, measured from the linked image (bench trees).
 */
import type { QuantizedTreeModel } from './types';

/** avr: 8-bit, no alignment; arm (and the host): natural alignment. */
export type TreeArch = 'avr' | 'arm';

export interface TreeModelSize {
  trees: number;
  /** Split nodes (the table's rows). */
  nodes: number;
  leaves: number;
  /** Bytes of one node in the table. */
  nodeBytes: number;
  /** Bytes of the model's constant struct in the table layout (quantizer, roots, nodes, leaf and base scores). */
  tableBytes: number;
  /** The quantizer's part of it (offset and scale, float32 per feature). */
  quantizerBytes: number;
  /** Stack of one predict call's buffers: the quantized features and the int32 scores. */
  bufferBytes: number;
}

export function treeModelSize(model: QuantizedTreeModel, arch: TreeArch = 'arm'): TreeModelSize {
  const F = model.features;
  const K = model.classes;
  const T = model.trees.length;
  const N = model.nodes.feature.length;
  const bits = model.quantizer.bits;
  const nodeBytes = bits === 8 ? 6 : arch === 'avr' ? 7 : 8;
  const align = (at: number, a: number): number => (arch === 'avr' ? at : Math.ceil(at / a) * a);
  let at = 8 * F;
  if (model.kind === 'boosted') at += 4 * K;
  at = align(at, 2) + 2 * T;
  at = align(at, 2) + nodeBytes * N;
  if (model.kind === 'boosted') at = align(at, 2) + 2 * model.leafScores!.length;
  const tableBytes = align(at, 4);
  return {
    trees: T,
    nodes: N,
    leaves: model.kind === 'boosted' ? model.leafScores!.length : N + T,
    nodeBytes,
    tableBytes,
    quantizerBytes: 8 * F,
    bufferBytes: (F * bits) / 8 + 4 * K,
  };
}
