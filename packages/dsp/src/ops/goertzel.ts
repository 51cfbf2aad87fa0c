/**
 * Power in DFT bins [lo, hi) of each `segment` samples, by one Goertzel resonator per bin, updated per
 * sample: a spectrum without a window buffer or an FFT.
 */
import { goertzelFinishF32, goertzelSegmentF32, goertzelUpdateF32 } from '../kernels';
import { goertzelCoefficients } from '../tables';
import { fail, floatTable, type StreamOp } from './op';

export interface GoertzelStep {
  op: 'goertzel';
  in: [string];
  out: string;
  /** Bins [lo, hi) of a `segment`-point DFT. */
  bins: [number, number];
  /**
   * Samples per segment (default: the window). With segments shorter than the window, the power of
   * each bin is summed over the window's segments (Welch's averaging, rectangular window, no overlap):
   * a long window's spectrum at a short segment's resolution, with state for that resolution only.
   */
  segment?: number;
}

export const stream: StreamOp<GoertzelStep> = {
  plan(step, ctx) {
    const { graph, field, p } = ctx;
    const [lo, hi] = step.bins;
    const segment = step.segment ?? graph.window;
    if (!(Number.isInteger(segment) && segment >= 2 && graph.window % segment === 0)) {
      fail(`segment must be an integer ≥ 2 that divides the window (${graph.window})`, `${field}.segment`);
    }
    if (!(Number.isInteger(lo) && Number.isInteger(hi) && lo >= 1 && hi > lo && hi <= segment / 2)) {
      fail(`bins must be integers with 1 ≤ lo < hi ≤ segment/2`, `${field}.bins`);
    }
    // Resonators [s1, s2] per bin, then (segments shorter than the window) the summed power per bin.
    p.stateFloats = (segment < graph.window ? 3 : 2) * (hi - lo);
    p.ints.segment = segment;
    p.tables.coeff = ctx.table(`goertzel_${segment}_${lo}_${hi}`, () =>
      goertzelCoefficients(segment, lo, hi),
    );
    p.output = ctx.define(
      step.out,
      hi - lo,
      { kind: 'spectrum', binHz: graph.rateHz / segment, firstBin: lo, unit: `(${ctx.unit})²` },
      `${field}.out`,
    );
  },
  // Per bin: s1, s2 (murmur_goertzel_update_f32), and a sum over segments (murmur_goertzel_segment_f32).
  cState: (step, _, graph) =>
    `${(step.segment ?? graph.window) < graph.window ? 3 : 2}u * ${step.bins[1] - step.bins[0]}u`,
  run(step, p, { state, values, inputs: [x], window, vectors }) {
    const coeff = floatTable(p, 'coeff');
    const segmented = p.ints.segment < window;
    return {
      update(i) {
        goertzelUpdateF32(state, p.stateOffset, coeff, values[x]);
        if (segmented && (i + 1) % p.ints.segment === 0) goertzelSegmentF32(state, p.stateOffset, coeff);
      },
      finish() {
        const spectrum = new Float32Array(p.output!.length);
        if (segmented) {
          const sums = p.stateOffset + 2 * spectrum.length;
          spectrum.set(state.subarray(sums, sums + spectrum.length));
        } else goertzelFinishF32(state, p.stateOffset, coeff, spectrum);
        vectors.set(step.out, spectrum);
      },
    };
  },
  c(step, p, { state, table, input, at, window }) {
    const bins = p.output!.length;
    const update = `murmur_goertzel_update_f32(${state}, ${table('coeff')}, ${bins}u, ${input(0)});`;
    if (p.ints.segment < window) {
      return {
        perSample: [
          update,
          `if ((pos + 1u) % ${p.ints.segment}u == 0u) murmur_goertzel_segment_f32(${state}, ${table('coeff')}, ${bins}u);`,
        ],
        finish: [`memcpy(${at(step.out)}, ${state} + ${2 * bins}, ${bins}u * sizeof(float));`],
      };
    }
    return {
      perSample: [update],
      finish: [`murmur_goertzel_finish_f32(${state}, ${table('coeff')}, ${bins}u, ${at(step.out)});`],
    };
  },
};
