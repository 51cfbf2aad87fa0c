/**
 * The memory plan of a compiled feature graph: the ring of raw samples, the stream ops' state, and the
 * scratch arena where every vector and work buffer of the block ops is placed by liveness.
 */
import type { PlannedStep, Table, VectorInfo } from './plan';
import { blockOp, streamOp, type BlockStep, type StreamStep } from './ops';

const isOutputInState = (s: PlannedStep): boolean => streamOp(s.step as StreamStep)?.outputInState === true;
const isInPlace = (s: PlannedStep): boolean => blockOp(s.step as BlockStep)?.inPlace === true;

/** The window counters of the state struct (frames until ready, ring head). */
const COUNTER_BYTES = 8;

export interface MemoryPlan {
  /** Ring buffer floats (channels × window), 0 when only stream ops read the channels. */
  ringFloats: number;
  stateFloats: number;
  /** Scratch arena floats, and each vector's / work buffer's offset into it (channels live in the ring). */
  scratchFloats: number;
  offsets: Record<string, number>;
  /**
   * Vectors that live in the stream state instead (offsets into it): those a stream op fills while the
   * window arrives (decimate), and the outputs of in-place block ops written over them.
   */
  stateOffsets: Record<string, number>;
  /** Bytes: persistent state (ring, op state, counters), scratch, constant tables. */
  stateBytes: number;
  scratchBytes: number;
  flashBytes: number;
  /** State + scratch + the feature output vector. */
  ramBytes: number;
}

/**
 * Scratch layout by liveness: a vector lives from the step that defines it (stream outputs: from the
 * start) to its last use; a step's work buffer only during that step. An in-place op whose first input
 * dies at that step writes over it (one buffer). First fit, largest first. Channels are read straight
 * from the ring buffer (rotated so the window starts at index 0), so they take no scratch and are
 * never written over; vectors a stream op fills live in the stream state, and in-place ops on them
 * write there too (the stream refills them before the next window's block ops read them).
 */
export function planMemory(
  steps: PlannedStep[],
  channels: string[],
  vectors: Record<string, VectorInfo>,
  ringFloats: number,
  stateFloats: number,
  featureCount: number,
  tables: Table[],
): MemoryPlan {
  const block = steps.filter((s) => s.phase === 'block');
  const lastUse = new Map<string, number>();
  block.forEach((s, i) => s.inputs.forEach((v) => lastUse.set(v.name, i)));
  const firstDef = new Map<string, number>();
  block.forEach((s, i) => s.output && firstDef.set(s.output.name, i));
  const bufferOf = new Map<string, string>();
  const spans = new Map<string, { name: string; size: number; from: number; to: number }>();
  const stateOffsets: Record<string, number> = {};
  for (const s of steps) {
    if (s.phase === 'stream' && s.output && isOutputInState(s)) stateOffsets[s.output.name] = s.stateOffset;
  }
  for (const v of Object.values(vectors)) {
    if (channels.includes(v.name) || v.name in stateOffsets) continue;
    const from = firstDef.get(v.name) ?? -1;
    spans.set(v.name, { name: v.name, size: v.length, from, to: lastUse.get(v.name) ?? from });
    bufferOf.set(v.name, v.name);
  }
  block.forEach((s, i) => {
    const input = s.inputs[0];
    if (
      !s.output ||
      !isInPlace(s) ||
      channels.includes(input.name) ||
      lastUse.get(input.name) !== i ||
      s.output.length > input.length
    )
      return;
    if (input.name in stateOffsets) {
      stateOffsets[s.output.name] = stateOffsets[input.name];
      spans.delete(s.output.name);
      bufferOf.delete(s.output.name);
      return;
    }
    const host = spans.get(bufferOf.get(input.name)!)!;
    const out = spans.get(s.output.name)!;
    host.to = Math.max(host.to, out.to);
    spans.delete(s.output.name);
    bufferOf.set(s.output.name, host.name);
  });
  block.forEach((s, i) => {
    if (s.workFloats) {
      const name = `work_${s.index}`;
      spans.set(name, { name, size: s.workFloats, from: i, to: i });
      bufferOf.set(name, name);
    }
  });
  const placed: { offset: number; size: number; from: number; to: number }[] = [];
  const offsets: Record<string, number> = {};
  let scratchFloats = 0;
  for (const span of [...spans.values()].sort((a, b) => b.size - a.size || a.from - b.from)) {
    const clash = placed
      .filter((p) => p.from <= span.to && span.from <= p.to)
      .sort((a, b) => a.offset - b.offset);
    let offset = 0;
    for (const p of clash) {
      if (offset + span.size <= p.offset) break;
      offset = Math.max(offset, p.offset + p.size);
    }
    placed.push({ offset, size: span.size, from: span.from, to: span.to });
    offsets[span.name] = offset;
    scratchFloats = Math.max(scratchFloats, offset + span.size);
  }
  for (const [name, buffer] of bufferOf) offsets[name] = offsets[buffer];
  const stateBytes = 4 * (ringFloats + stateFloats) + COUNTER_BYTES;
  const scratchBytes = 4 * scratchFloats;
  const flashBytes = tables.reduce((sum, t) => sum + t.data.byteLength, 0);
  return {
    ringFloats,
    stateFloats,
    scratchFloats,
    offsets,
    stateOffsets,
    stateBytes,
    scratchBytes,
    flashBytes,
    ramBytes: stateBytes + scratchBytes + 4 * featureCount,
  };
}
