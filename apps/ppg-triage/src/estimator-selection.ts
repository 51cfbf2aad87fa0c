/**
 * How the respiratory-rate estimator's choices are made, and how well they hold on a recording that
 * played no part in them: nested leave-one-recording-out cross-validation on the development data.
 *
 * Choices (`RESP_ESTIMATOR`, `RR_QUALITY_THRESHOLD` in ./features):
 * - the estimator: the weights of RIAV and RIFV beside RIIV in the mixed spectrum and the band's lower
 *   edge, over `ESTIMATOR_GRID`, by the lowest respiratory-rate MAE over every window;
 * - then the quality threshold, over `QUALITY_THRESHOLDS`, by the highest macro-F1 of the rate rule's class
 *   on the trusted windows among the thresholds that reject at most `MAX_REJECTED` of the windows (ties:
 *   the lower threshold). The cap leaves room for the rejections to grow on people the data do not hold.
 *
 * Each of the 23 folds makes both choices on the other 22 recordings and applies them to the held-out one;
 * the pooled held-out windows give the figures, with 95 % intervals from a recording-level bootstrap
 * (`BOOTSTRAP` resamples of the recordings, fixed seed). The choices on all 23 recordings are what the
 * device ships.
 *
 * The same folds also train the learned alternative the app would need to earn a model in the firmware: a
 * logistic model of "this window's rate is more than 3 breaths/min off" on the window's features, replacing
 * the quality threshold (the windows it scores worst are rejected, as many as the rule rejects in that fold).
 */
import { createRng } from '@murmur/core';
import { breathClass, referenceBreathRate, type Recording } from '@murmur/datasets';
import { compileGraph, computeWindow, windowStarts } from '@murmur/dsp';
import { BREATHING_CLASSES } from './payload';
import { ppgTriageGraph, type RespEstimator } from './features';

/** The estimators compared: RIAV and RIFV weights in {0, 0.25, 0.5}, lower band edge 0.10 or 0.13 Hz. */
export const ESTIMATOR_GRID: RespEstimator[] = [0.1, 0.13].flatMap((lowHz) =>
  [0, 0.25, 0.5].flatMap((riavWeight) =>
    [0, 0.25, 0.5].map((rifvWeight) => ({ riavWeight, rifvWeight, lowHz })),
  ),
);

/** Quality thresholds compared: 0.020 to 0.080 in steps of 0.0025. */
export const QUALITY_THRESHOLDS = Array.from({ length: 25 }, (_, i) => Math.round(200 + 25 * i) / 10000);

/** Largest share of the training windows a threshold may reject. */
export const MAX_REJECTED = 0.1;

export const BOOTSTRAP = { resamples: 2000, seed: 'ppg-triage-estimator' };

/** A window's reference, estimate and the features the learned gate sees. */
export interface EstimatorWindow {
  recording: string;
  reference: number;
  rate: number;
  quality: number;
  /** rr quality, each series' quality, each series' rate disagreement with rr, heart rate, pulse shape. */
  gateFeatures: number[];
}

const classOf = (rate: number): number => BREATHING_CLASSES.indexOf(breathClass(rate));

/** Every annotated window of the recordings through the graph of one estimator (TS reference). */
export function estimatorWindows(recordings: readonly Recording[], est: RespEstimator): EstimatorWindow[] {
  const g = compileGraph(ppgTriageGraph(est));
  const at = (name: string): number => g.features.findIndex((f) => f.name === name);
  const idx = {
    rate: at('rr_rate'),
    quality: at('rr_quality'),
    series: ['riiv', 'riav', 'rifv'].map((s) => [at(`rr_${s}_rate`), at(`rr_${s}_quality`)] as const),
    hr: at('hr_rate'),
    pulse: ['pulse_skewness', 'pulse_kurtosis'].map(at),
  };
  const out: EstimatorWindow[] = [];
  for (const rec of recordings) {
    if (rec.rateHz !== g.graph.rateHz) continue;
    const x = rec.channels[rec.channelNames.indexOf('pleth')]!;
    for (const start of windowStarts(g, x.length)) {
      const s0 = start / rec.rateHz;
      const reference = referenceBreathRate(rec, s0, s0 + g.graph.window / rec.rateHz);
      if (reference === null) continue;
      const v = computeWindow(g, [x.subarray(start, start + g.graph.window)]);
      const rate = v[idx.rate]!;
      out.push({
        recording: rec.id,
        reference,
        rate,
        quality: v[idx.quality]!,
        gateFeatures: [
          v[idx.quality]!,
          ...idx.series.map(([, q]) => v[q]!),
          ...idx.series.map(([r]) => Math.abs(v[r]! - rate) / Math.max(1, rate)),
          v[idx.hr]! / 100,
          ...idx.pulse.map((i) => v[i]!),
        ],
      });
    }
  }
  return out;
}

/** Macro-F1 and recall per class of the rate rule's class against the reference class. */
export function classFigures(ws: readonly { reference: number; rate: number }[]): {
  windows: number;
  macroF1: number;
  recall: number[];
} {
  const k = BREATHING_CLASSES.length;
  const tp = new Array<number>(k).fill(0);
  const fp = new Array<number>(k).fill(0);
  const fn = new Array<number>(k).fill(0);
  for (const w of ws) {
    const t = classOf(w.reference);
    const p = Number.isFinite(w.rate) ? classOf(w.rate) : -1;
    if (t === p) tp[t]!++;
    else {
      fn[t]!++;
      if (p >= 0) fp[p]!++;
    }
  }
  const f1 = tp.map((x, c) => (x === 0 ? 0 : (2 * x) / (2 * x + fp[c]! + fn[c]!)));
  return {
    windows: ws.length,
    macroF1: f1.reduce((a, b) => a + b, 0) / k,
    recall: tp.map((x, c) => (x + fn[c]! ? x / (x + fn[c]!) : NaN)),
  };
}

const absError = (w: { reference: number; rate: number }): number =>
  Number.isFinite(w.rate) ? Math.abs(w.rate - w.reference) : w.reference;
const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

/** The threshold with the best trusted macro-F1 rejecting at most MAX_REJECTED of the windows. */
export function chooseThreshold(ws: readonly EstimatorWindow[]): number {
  let best = { threshold: QUALITY_THRESHOLDS[0]!, f1: -1 };
  for (const t of QUALITY_THRESHOLDS) {
    const trusted = ws.filter((w) => w.quality >= t);
    if (ws.length - trusted.length > MAX_REJECTED * ws.length) break;
    const f1 = classFigures(trusted).macroF1;
    if (f1 > best.f1 + 1e-12) best = { threshold: t, f1 };
  }
  return best.threshold;
}

/** The estimator with the lowest MAE over the windows of `keep` recordings. */
function chooseEstimator(
  byEstimator: readonly EstimatorWindow[][],
  keep: (recording: string) => boolean,
): number {
  let best = 0;
  let bestMae = Infinity;
  byEstimator.forEach((ws, i) => {
    const mae = mean(ws.filter((w) => keep(w.recording)).map(absError));
    if (mae < bestMae - 1e-12) {
      bestMae = mae;
      best = i;
    }
  });
  return best;
}

/** Logistic regression by Newton's method with an L2 penalty, on standardised features. */
function logistic(x: readonly number[][], y: readonly number[], l2 = 1): (row: number[]) => number {
  const d = x[0]!.length;
  const mu = Array.from({ length: d }, (_, j) => mean(x.map((r) => r[j]!)));
  const sd = mu.map((m, j) => Math.sqrt(mean(x.map((r) => (r[j]! - m) ** 2))) || 1);
  const z = (r: readonly number[]): number[] => [1, ...r.map((v, j) => (v - mu[j]!) / sd[j]!)];
  const zs = x.map(z);
  const w = new Array<number>(d + 1).fill(0);
  for (let it = 0; it < 25; it++) {
    const g = new Array<number>(d + 1).fill(0);
    const h = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    zs.forEach((r, i) => {
      const p = 1 / (1 + Math.exp(-r.reduce((a, v, j) => a + v * w[j]!, 0)));
      for (let a = 0; a <= d; a++) {
        g[a]! += (p - y[i]!) * r[a]!;
        for (let b = 0; b <= d; b++) h[a]![b]! += p * (1 - p) * r[a]! * r[b]!;
      }
    });
    for (let a = 1; a <= d; a++) {
      g[a]! += l2 * w[a]!;
      h[a]![a]! += l2;
    }
    // Solve h · step = g (Gauss-Jordan; h is positive definite).
    const m = h.map((row, a) => [...row, g[a]!]);
    for (let c = 0; c <= d; c++) {
      let p = c;
      for (let r = c + 1; r <= d; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
      [m[c], m[p]] = [m[p]!, m[c]!];
      for (let r = 0; r <= d; r++) {
        if (r === c) continue;
        const k = m[r]![c]! / m[c]![c]!;
        for (let j = c; j <= d + 1; j++) m[r]![j]! -= k * m[c]![j]!;
      }
    }
    for (let a = 0; a <= d; a++) w[a]! -= m[a]![d + 1]! / m[a]![a]!;
  }
  return (row) => 1 / (1 + Math.exp(-z(row).reduce((a, v, j) => a + v * w[j]!, 0)));
}

/** A held-out window with the fold's verdict. */
export interface HeldOutWindow {
  recording: string;
  reference: number;
  rate: number;
  trusted: boolean;
}

/** Figures of held-out windows: MAE (all, trusted), rejected share, trusted macro-F1 and recall. */
export function heldOutFigures(ws: readonly HeldOutWindow[]) {
  const trusted = ws.filter((w) => w.trusted);
  const c = classFigures(trusted);
  return {
    windows: ws.length,
    recordings: new Set(ws.map((w) => w.recording)).size,
    maeAll: mean(ws.map(absError)),
    maeTrusted: mean(trusted.map(absError)),
    rejected: 1 - trusted.length / ws.length,
    macroF1: c.macroF1,
    recall: Object.fromEntries(BREATHING_CLASSES.map((name, i) => [name, c.recall[i]!])),
    macroF1AllWindows: classFigures(ws).macroF1,
  };
}

export type HeldOutFigures = ReturnType<typeof heldOutFigures>;
type Interval = [number, number];

/** Recording-level bootstrap: 95 % percentile intervals of the numeric figures. */
export function bootstrapFigures(
  ws: readonly HeldOutWindow[],
  opts = BOOTSTRAP,
): Record<'maeAll' | 'maeTrusted' | 'rejected' | 'macroF1' | 'macroF1AllWindows', Interval> {
  const keys = ['maeAll', 'maeTrusted', 'rejected', 'macroF1', 'macroF1AllWindows'] as const;
  const byRec = new Map<string, HeldOutWindow[]>();
  for (const w of ws) byRec.set(w.recording, [...(byRec.get(w.recording) ?? []), w]);
  const recs = [...byRec.keys()].sort();
  const rng = createRng(opts.seed);
  const samples = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<
    (typeof keys)[number],
    number[]
  >;
  for (let b = 0; b < opts.resamples; b++) {
    const pick = recs.map(() => byRec.get(recs[rng.int(0, recs.length - 1)]!)!).flat();
    const f = heldOutFigures(pick);
    for (const k of keys) if (Number.isFinite(f[k])) samples[k].push(f[k]);
  }
  const q = (xs: number[], p: number): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.max(0, Math.floor(p * s.length)))]!;
  };
  return Object.fromEntries(keys.map((k) => [k, [q(samples[k], 0.025), q(samples[k], 0.975)]])) as Record<
    (typeof keys)[number],
    Interval
  >;
}

export interface EstimatorSelection {
  /** What is chosen on every development recording (what the device ships). */
  chosen: { estimator: RespEstimator; threshold: number };
  /** Each fold's choices on the other recordings. */
  folds: { recording: string; estimator: RespEstimator; threshold: number }[];
  /** The rule (chosen estimator and threshold per fold) on the held-out recordings, with intervals. */
  rule: HeldOutFigures & { interval95: ReturnType<typeof bootstrapFigures> };
  /** The learned gate in place of the threshold, same folds and estimators, as many rejections. */
  learnedGate: HeldOutFigures & { interval95: ReturnType<typeof bootstrapFigures> };
  /** Every estimator of the grid on every window with no gate (not nested), for the record. */
  grid: { estimator: RespEstimator; maeAll: number; worstRecordingMae: number }[];
}

/** The whole selection (see the module comment). */
export function selectEstimator(recordings: readonly Recording[]): EstimatorSelection {
  const byEstimator = ESTIMATOR_GRID.map((est) => estimatorWindows(recordings, est));
  const ids = [...new Set(byEstimator[0]!.map((w) => w.recording))].sort();
  const rule: HeldOutWindow[] = [];
  const learned: HeldOutWindow[] = [];
  const folds: EstimatorSelection['folds'] = [];
  for (const held of ids) {
    const e = chooseEstimator(byEstimator, (r) => r !== held);
    const train = byEstimator[e]!.filter((w) => w.recording !== held);
    const test = byEstimator[e]!.filter((w) => w.recording === held);
    const threshold = chooseThreshold(train);
    folds.push({ recording: held, estimator: ESTIMATOR_GRID[e]!, threshold });
    for (const w of test) rule.push({ ...w, trusted: w.quality >= threshold });
    // The learned gate rejects as large a share of the training windows as the threshold does.
    const share = train.filter((w) => w.quality < threshold).length / train.length;
    const risk = logistic(
      train.map((w) => w.gateFeatures),
      train.map((w) => (absError(w) > 3 ? 1 : 0)),
    );
    const trainRisk = train.map((w) => risk(w.gateFeatures)).sort((a, b) => b - a);
    const cut = share > 0 ? trainRisk[Math.max(0, Math.round(share * train.length) - 1)]! : Infinity;
    for (const w of test) learned.push({ ...w, trusted: risk(w.gateFeatures) < cut });
  }
  const all = chooseEstimator(byEstimator, () => true);
  return {
    chosen: { estimator: ESTIMATOR_GRID[all]!, threshold: chooseThreshold(byEstimator[all]!) },
    folds,
    rule: { ...heldOutFigures(rule), interval95: bootstrapFigures(rule) },
    learnedGate: { ...heldOutFigures(learned), interval95: bootstrapFigures(learned) },
    grid: ESTIMATOR_GRID.map((estimator, i) => ({
      estimator,
      maeAll: mean(byEstimator[i]!.map(absError)),
      worstRecordingMae: Math.max(
        ...ids.map((id) => mean(byEstimator[i]!.filter((w) => w.recording === id).map(absError))),
      ),
    })),
  };
}
