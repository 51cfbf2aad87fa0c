/**
 * The TypeScript reference execution of a compiled feature graph: the same kernels, in the same
 * order, as the generated C, so the features agree to the bit.
 */
import { MurmurError } from '@murmur/core';
import {
  HIGHER_MOMENTS_AT,
  MOMENT_NAMES,
  type CompiledGraph,
  type PlannedStep,
  type StreamStep,
  type BlockStep,
} from './graph';
import { f, sqrt32 } from './f32';
import * as k from './kernels';

function bins(p: PlannedStep, name: string): Uint16Array {
  return p.tables[name]!.data as Uint16Array;
}
function floats(p: PlannedStep, name: string): Float32Array {
  return p.tables[name]!.data as Float32Array;
}

/** Runs the stream ops over every sample of the window (the per-sample updates, then the finish). */
function runStream(
  g: CompiledGraph,
  channels: Float32Array[],
  vectors: Map<string, Float32Array>,
  out: Float32Array,
): void {
  const stream = g.steps.filter((s) => s.phase === 'stream');
  if (!stream.length) return;
  const state = new Float32Array(g.memory.stateFloats);
  // Per-sample values live in numbered slots: the channels first, then each derived value.
  const slotOf = new Map(g.graph.channels.map((c, i) => [c, i]));
  const producesValue = (
    s: StreamStep,
  ): s is Extract<StreamStep, { op: 'magnitude' | 'difference' | 'rectify' | 'biquad' }> =>
    s.op === 'magnitude' || s.op === 'difference' || s.op === 'rectify' || s.op === 'biquad';
  for (const p of stream) {
    const s = p.step as StreamStep;
    if (producesValue(s)) slotOf.set(s.out, slotOf.size);
  }
  const values = new Float64Array(slotOf.size);
  const plan = stream.map((p) => ({
    p,
    s: p.step as StreamStep,
    inputs: (p.step as StreamStep).in.map((name) => slotOf.get(name)!),
    output: producesValue(p.step as StreamStep) ? slotOf.get((p.step as { out: string }).out)! : -1,
    coeff: (p.tables.coeff ?? p.tables.coeffs)?.data as Float32Array | undefined,
  }));
  // Vectors that stream ops fill sample by sample (decimate) are views of the state, as in C.
  for (const p of stream) {
    if (p.step.op === 'decimate') {
      vectors.set(p.output!.name, state.subarray(p.stateOffset, p.stateOffset + p.output!.length));
    }
  }
  const nChannels = channels.length;
  for (let i = 0; i < g.graph.window; i++) {
    for (let c = 0; c < nChannels; c++) values[c] = channels[c][i];
    for (const { p, s, inputs, output, coeff } of plan) {
      if (s.op === 'magnitude') {
        const [a, b, c] = [values[inputs[0]], values[inputs[1]], values[inputs[2]]];
        values[output] = sqrt32(f(f(f(a * a) + f(b * b)) + f(c * c)));
      } else if (s.op === 'difference') {
        values[output] = k.differenceUpdateF32(state, p.stateOffset, values[inputs[0]]);
      } else if (s.op === 'rectify') values[output] = Math.abs(values[inputs[0]]);
      else if (s.op === 'biquad') {
        values[output] = k.biquadStepF32(
          state,
          p.stateOffset,
          coeff!,
          0,
          s.sections.length,
          values[inputs[0]],
        );
      } else if (s.op === 'moments') {
        if (p.ints.order === 4) k.moments4UpdateF32(state, p.stateOffset, values[inputs[0]]);
        else k.momentsUpdateF32(state, p.stateOffset, values[inputs[0]]);
      } else if (s.op === 'correlation')
        k.comomentUpdateF32(state, p.stateOffset, values[inputs[0]], values[inputs[1]]);
      else if (s.op === 'decimate') {
        if (i % s.factor === 0) state[p.stateOffset + i / s.factor] = values[inputs[0]];
      } else if (s.op === 'autocorrPeriod') {
        k.autocorrUpdateF32(state, p.stateOffset, i, p.ints.minLag, p.ints.maxLag, values[inputs[0]]);
      } else if (s.op === 'bandEnergy') {
        k.filterBankUpdateF32(state, p.stateOffset, coeff!, s.bandsHz.length, values[inputs[0]]);
      } else {
        k.goertzelUpdateF32(state, p.stateOffset, coeff!, values[inputs[0]]);
        if (p.ints.segment < g.graph.window && (i + 1) % p.ints.segment === 0)
          k.goertzelSegmentF32(state, p.stateOffset, coeff!);
      }
    }
  }
  for (const p of stream) {
    const s = p.step as StreamStep;
    if (s.op === 'moments') {
      const m = new Float32Array(MOMENT_NAMES.length);
      k.momentsFinishF32(state, p.stateOffset, m);
      if (p.ints.order === 4) k.moments4FinishF32(state, p.stateOffset, m.subarray(HIGHER_MOMENTS_AT));
      s.emit.forEach((e, i) => (out[p.featureOffset + i] = m[MOMENT_NAMES.indexOf(e)]));
    } else if (s.op === 'bandEnergy') {
      const bands = s.bandsHz.length;
      k.bandEnergyF32(
        state.subarray(p.stateOffset, p.stateOffset + bands),
        bins(p, 'bins'),
        [0, bands],
        s.relative,
        s.log,
        out.subarray(p.featureOffset, p.featureOffset + bands),
      );
    } else if (s.op === 'autocorrPeriod') {
      k.autocorrFinishF32(
        state,
        p.stateOffset,
        p.ints.minLag,
        p.ints.maxLag,
        p.floats.rateHz,
        out.subarray(p.featureOffset, p.featureOffset + 2),
      );
    } else if (s.op === 'correlation') out[p.featureOffset] = k.comomentFinishF32(state, p.stateOffset);
    else if (s.op === 'goertzel') {
      const spec = new Float32Array(p.output!.length);
      if (p.ints.segment < g.graph.window) {
        const sums = p.stateOffset + 2 * spec.length;
        spec.set(state.subarray(sums, sums + spec.length));
      } else k.goertzelFinishF32(state, p.stateOffset, floats(p, 'coeff'), spec);
      vectors.set(s.out, spec);
    }
  }
}

function runBlock(p: PlannedStep, vectors: Map<string, Float32Array>, out: Float32Array): void {
  const s = p.step as BlockStep;
  const x = vectors.get(s.in[0])!;
  const input = (i: number): Float32Array => vectors.get(s.in[i])!;
  const y = p.output ? new Float32Array(p.output.length) : new Float32Array(0);
  if (p.output) vectors.set(p.output.name, y);
  const emit = (values: ArrayLike<number>, pick?: number[]): void => {
    const idx = pick ?? Array.from({ length: p.features.length }, (_, i) => i);
    idx.forEach((from, i) => (out[p.featureOffset + i] = values[from]));
  };
  switch (s.op) {
    case 'window':
      return k.multiplyF32(x, floats(p, 'window'), y);
    case 'demean':
      return k.demeanF32(x, y);
    case 'detrend':
      return k.detrendF32(x, y);
    case 'rectify':
      return k.rectifyF32(x, y);
    case 'biquad':
      return k.biquadF32(x, y, floats(p, 'coeffs'));
    case 'decimate':
      return k.decimateF32(x, y, p.ints.factor);
    case 'zeroPad':
      return k.zeroPadF32(x, y);
    case 'magnitude':
      return k.magnitude3F32(x, input(1), input(2), y);
    case 'powerSpectrum':
      return k.powerSpectrumF32(x, y, floats(p, 'cos'), floats(p, 'sin'), new Float32Array(p.workFloats));
    case 'beats':
      return k.beatsF32(x, input(1), p.floats.thresholdK, p.ints.refractory, p.ints.capacity, y);
    case 'respSeries':
      return k.respSeriesF32(x, p.ints.capacity, p.ints.kind, p.floats.step, y);
    case 'peakFrequency':
      return k.peakFrequencyF32(
        x,
        p.ints.lo,
        p.ints.hi,
        p.floats.binHz,
        p.floats.firstBin,
        p.floats.scale,
        y,
      );
    case 'fuse': {
      const est = new Float32Array(p.workFloats);
      s.in.forEach((_, i) => est.set(input(i), 2 * i));
      return k.fuseF32(est, s.in.length, y);
    }
    case 'stats': {
      const all = new Float32Array(k.STAT_NAMES.length);
      k.statsF32(x, all);
      return emit(
        all,
        s.emit.map((e) => k.STAT_NAMES.indexOf(e)),
      );
    }
    case 'correlation':
      return emit([k.correlationF32(x, input(1))]);
    case 'sma':
      return emit([k.smaF32(x, input(1), input(2))]);
    case 'bandEnergy': {
      const e = new Float32Array(s.bandsHz.length);
      k.bandEnergyF32(x, bins(p, 'bins'), [p.ints.totalLo, p.ints.totalHi], s.relative, s.log, e);
      return emit(e);
    }
    case 'spectralShape': {
      const shape = new Float32Array(3);
      k.spectralShapeF32(x, p.ints.lo, p.ints.hi, p.floats.binHz, p.floats.firstBin, shape);
      return emit(
        shape,
        s.emit.map((e) => ['centroid', 'peak', 'flatness'].indexOf(e)),
      );
    }
    case 'defectEnergy': {
      const e = new Float32Array(s.orders.length);
      k.defectEnergyF32(x, bins(p, 'ranges'), p.ints.harmonics, [p.ints.refLo, p.ints.refHi], e);
      return emit(e);
    }
    case 'defectProminence': {
      const e = new Float32Array(s.orders.length);
      k.defectProminenceF32(x, bins(p, 'ranges'), p.ints.harmonics, e);
      return emit(e);
    }
    case 'autocorrPeriod': {
      const r = new Float32Array(2);
      const sums = new Float32Array(p.workFloats);
      k.autocorrPeriodF32(x, p.ints.minLag, p.ints.maxLag, p.floats.rateHz, sums, r);
      return emit(r);
    }
    case 'heartRate': {
      const r = new Float32Array(2);
      k.heartRateF32(x, p.floats.rateHz, new Float32Array(p.ints.capacity), r);
      return emit(r);
    }
    case 'emit':
      return emit(x);
  }
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
