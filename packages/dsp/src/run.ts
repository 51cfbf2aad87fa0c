/**
 * The TypeScript reference execution of a compiled feature graph: the same kernels, in the same
 * order, as the generated C, so the features agree to the bit. Each op's run is in ./ops.
 */
import { MurmurError } from '@murmur/core';
import type { CompiledGraph, PlannedStep } from './graph';
import { blockOp, streamOp, type BlockStep, type StreamStep, type StreamRun } from './ops';

/** Runs the stream ops over every sample of the window (the per-sample updates, then the finish). */
function runStream(
  g: CompiledGraph,
  channels: Float32Array[],
  vectors: Map<string, Float32Array>,
  features: Float32Array,
): void {
  const stream = g.steps.filter((s) => s.phase === 'stream');
  if (!stream.length) return;
  const state = new Float32Array(g.memory.stateFloats);
  // Per-sample values live in numbered slots: the channels first, then each derived value.
  const slotOf = new Map(g.graph.channels.map((c, i) => [c, i]));
  for (const p of stream) {
    const s = p.step as StreamStep & { out?: string };
    if (streamOp(s)!.value) slotOf.set(s.out!, slotOf.size);
  }
  const values = new Float64Array(slotOf.size);
  const runs: StreamRun[] = stream.map((p) => {
    const s = p.step as StreamStep & { out?: string };
    const op = streamOp(s)!;
    return op.run(s, p, {
      state,
      values,
      inputs: s.in.map((name) => slotOf.get(name)!),
      output: op.value ? slotOf.get(s.out!)! : -1,
      window: g.graph.window,
      features,
      vectors,
    });
  });
  const nChannels = channels.length;
  for (let i = 0; i < g.graph.window; i++) {
    for (let c = 0; c < nChannels; c++) values[c] = channels[c][i];
    for (const r of runs) r.update(i);
  }
  for (const r of runs) r.finish?.();
}

function runBlock(p: PlannedStep, vectors: Map<string, Float32Array>, features: Float32Array): void {
  const s = p.step as BlockStep;
  const input = (i: number): Float32Array => vectors.get(s.in[i])!;
  const y = p.output ? new Float32Array(p.output.length) : new Float32Array(0);
  if (p.output) vectors.set(p.output.name, y);
  blockOp(s)!.run(s, p, {
    x: input(0),
    input,
    y,
    emit(values, pick) {
      const idx = pick ?? Array.from({ length: p.features.length }, (_, i) => i);
      idx.forEach((from, i) => (features[p.featureOffset + i] = values[from]));
    },
  });
}

/** Features of one window: `channels[c]` holds the window's samples of graph channel c (length = window). */
export function computeWindow(g: CompiledGraph, channels: Float32Array[]): Float32Array {
  const { graph } = g;
  if (channels.length !== graph.channels.length) {
    throw new MurmurError(
      `graph '${graph.name}' needs ${graph.channels.length} channels, got ${channels.length}`,
      { field: 'channels' },
    );
  }
  channels.forEach((c, i) => {
    if (c.length !== graph.window) {
      throw new MurmurError(
        `channel '${graph.channels[i]}' has ${c.length} samples, the window ${graph.window}`,
        { field: `channels[${i}]` },
      );
    }
  });
  const out = new Float32Array(g.features.length);
  const vectors = new Map<string, Float32Array>();
  graph.channels.forEach((c, i) => vectors.set(c, channels[i]));
  runStream(g, channels, vectors, out);
  for (const p of g.steps) if (p.phase === 'block') runBlock(p, vectors, out);
  return out;
}

/** Start sample of every complete window of a recording of `length` samples (windows at 0, hop, 2·hop, ...). */
export function windowStarts(g: CompiledGraph, length: number): number[] {
  const starts: number[] = [];
  for (let s = 0; s + g.graph.window <= length; s += g.graph.hop) starts.push(s);
  return starts;
}

/** Features of every complete window of whole-recording channels (what the C twin gives when fed the same samples). */
export function computeAll(
  g: CompiledGraph,
  channels: Float32Array[],
): { start: number; features: Float32Array }[] {
  const length = channels[0]?.length ?? 0;
  return windowStarts(g, length).map((start) => ({
    start,
    features: computeWindow(
      g,
      channels.map((c) => c.subarray(start, start + g.graph.window)),
    ),
  }));
}
