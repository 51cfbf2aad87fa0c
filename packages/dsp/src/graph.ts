/**
 * The feature graph: an ordered, JSON-serialisable list of ops from the raw channels of a window to a
 * named feature vector. `compileGraph` checks it, infers every vector's length and meaning, resolves
 * parameters given in Hz or seconds into integer bins/samples and float32 tables, and plans memory.
 * Both the TypeScript reference (./run) and the C code generator (./codegen) work from that plan.
 */
import { MurmurError } from '@murmur/core';
import {
  STAT_NAMES,
  RESP_SERIES,
  MOMENTS_STATE,
  MOMENTS4_STATE,
  COMOMENT_STATE,
  FILTER_BANK_SECTIONS,
  DIFFERENCE_STATE,
  autocorrSums,
  type StatName,
  type RespSeries,
} from './kernels';
import {
  biquadCoefficients,
  goertzelCoefficients,
  twiddleTables,
  windowTable,
  type BiquadDesign,
  type WindowShape,
} from './tables';

/** Ops that run once per sample while the window fills (no window buffer needed; require hop = window). */
export type StreamStep =
  | { op: 'magnitude'; in: [string, string, string]; out: string }
  | { op: 'difference'; in: [string]; out: string }
  | { op: 'rectify'; in: [string]; out: string }
  | { op: 'biquad'; in: [string]; out: string; sections: BiquadDesign[] }
  | { op: 'moments'; in: [string]; name: string; emit: MomentName[] }
  | { op: 'correlation'; in: [string, string]; name: string }
  | {
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
  | {
      /**
       * Keeps every factor-th sample (from the window's first) in a vector that the block ops read when
       * the window is full: a signal at rateHz / factor that costs window / factor floats, not a ring.
       */
      op: 'decimate';
      in: [string];
      out: string;
      factor: number;
    }
  | BandEnergyStep
  | AutocorrPeriodStep;

/**
 * The strongest periodicity of a signal: the lag in [minS, maxS] with the largest autocorrelation
 * r[lag] = Σ x[i]·x[i+lag] (x is expected zero-mean, e.g. band-passed or differenced), as that lag in
 * seconds (`period`) and r[lag] / r[0] (`strength`). As a stream op it keeps the last maxS of samples
 * and one running sum per lag.
 */
export interface AutocorrPeriodStep {
  op: 'autocorrPeriod';
  in: [string];
  name: string;
  minS: number;
  maxS: number;
}

/**
 * Energy in each band [low, high) Hz, relative to the sum over the bands and/or as ln. As a block op it
 * sums a spectrum's bins; as a stream op it runs a filter bank on the signal (per band a second-order
 * Butterworth highpass at its low edge and lowpass at its high edge) and sums the output squared.
 */
export interface BandEnergyStep {
  op: 'bandEnergy';
  in: [string];
  name: string;
  bandsHz: [number, number][];
  relative: boolean;
  log: boolean;
}

/** What `moments` can emit: peak is the largest deviation from the mean; skewness and kurtosis need more state. */
export type MomentName = (typeof MOMENT_NAMES)[number];
export const MOMENT_NAMES = ['mean', 'std', 'min', 'max', 'peak', 'skewness', 'kurtosis'] as const;
const isHigherMoment = (e: MomentName): boolean => e === 'skewness' || e === 'kurtosis';
/** Where the fourth-order finish ([skewness, kurtosis]) writes, after the [mean … peak] of the moments finish. */
export const HIGHER_MOMENTS_AT = MOMENT_NAMES.indexOf('skewness');

/** Ops that run on the whole window when it is full. */
export type BlockStep =
  | { op: 'window'; in: [string]; out: string; shape: WindowShape }
  | { op: 'demean' | 'detrend' | 'rectify'; in: [string]; out: string }
  | { op: 'biquad'; in: [string]; out: string; sections: BiquadDesign[] }
  | { op: 'decimate'; in: [string]; out: string; factor: number }
  | { op: 'zeroPad'; in: [string]; out: string; length: number }
  | { op: 'magnitude'; in: [string, string, string]; out: string }
  | { op: 'powerSpectrum'; in: [string]; out: string }
  | {
      op: 'beats';
      in: [string, string];
      out: string;
      thresholdK: number;
      refractoryS: number;
      maxRateBpm: number;
    }
  | { op: 'respSeries'; in: [string]; out: string; kind: RespSeries; rateHz: number }
  | { op: 'peakFrequency'; in: [string]; out: string; rangeHz: [number, number]; scale: number }
  | { op: 'fuse'; in: string[]; out: string }
  | { op: 'stats'; in: [string]; name: string; emit: StatName[] }
  | { op: 'correlation'; in: [string, string]; name: string }
  | { op: 'sma'; in: [string, string, string]; name: string }
  | BandEnergyStep
  | {
      op: 'spectralShape';
      in: [string];
      name: string;
      rangeHz: [number, number];
      emit: ('centroid' | 'peak' | 'flatness')[];
    }
  | {
      op: 'defectEnergy';
      in: [string];
      name: string;
      shaftHz: number;
      orders: { name: string; multiple: number }[];
      harmonics: number;
      toleranceHz: number;
      referenceHz: [number, number];
    }
  | {
      /** Per order: how far its defect lines (harmonics) stand out of their own neighbourhood (ln ratio). */
      op: 'defectProminence';
      in: [string];
      name: string;
      shaftHz: number;
      orders: { name: string; multiple: number }[];
      harmonics: number;
      /** Half-width of the peak search around each line. */
      toleranceHz: number;
      /** Half-width of the neighbourhood whose mean level (peak range excluded) is the reference. */
      neighbourhoodHz: number;
    }
  | AutocorrPeriodStep
  | { op: 'heartRate'; in: [string]; name: string }
  | { op: 'emit'; in: [string]; name: string; names?: string[]; unit?: string };

export interface FeatureGraph {
  /** C identifier stem, e.g. `wearable_activity`. */
  name: string;
  rateHz: number;
  /** Input channel names, in the order samples are interleaved in a frame. */
  channels: string[];
  /** Samples per window. */
  window: number;
  /** Samples between window starts. */
  hop: number;
  /** Unit of each input channel (for feature units). */
  units?: string[];
  stream?: StreamStep[];
  steps: BlockStep[];
}

/** What a vector holds: a signal (rateHz), a spectrum (binHz, firstBin), beats, or [value, quality] pairs. */
export type VectorKind =
  | { kind: 'signal'; rateHz: number; unit: string }
  | { kind: 'spectrum'; binHz: number; firstBin: number; unit: string }
  | { kind: 'beats'; capacity: number; rateHz: number }
  | { kind: 'estimate'; unit: string };

export interface VectorInfo {
  name: string;
  length: number;
  type: VectorKind;
}

export interface FeatureInfo {
  name: string;
  unit: string;
}

/** A constant table emitted to C (float32 or uint16). */
export interface Table {
  name: string;
  data: Float32Array | Uint16Array;
}

/** One compiled step: its definition, the resolved integer/table parameters, and what it produces. */
export interface PlannedStep {
  index: number;
  phase: 'stream' | 'block';
  step: StreamStep | BlockStep;
  inputs: VectorInfo[];
  output?: VectorInfo;
  features: FeatureInfo[];
  /** Offset of its first feature in the feature vector. */
  featureOffset: number;
  /** Integer parameters (bins, samples, counts) resolved from Hz/seconds. */
  ints: Record<string, number>;
  /** Float32 parameters. */
  floats: Record<string, number>;
  tables: Record<string, Table>;
  /** Persistent state floats (stream ops) and kernel work floats (block ops). */
  stateFloats: number;
  stateOffset: number;
  workFloats: number;
}

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

export interface CompiledGraph {
  graph: FeatureGraph;
  steps: PlannedStep[];
  vectors: Record<string, VectorInfo>;
  features: FeatureInfo[];
  tables: Table[];
  memory: MemoryPlan;
}

const IDENT = /^[a-z][a-z0-9_]*$/;
const COUNTER_BYTES = 8;

function fail(message: string, field: string): never {
  throw new MurmurError(message, { field });
}

const AUTOCORR_FEATURES: [string, string][] = [
  ['period', 's'],
  ['strength', '1'],
];

/** The lags in samples of an autocorrPeriod step over `length` samples at `rateHz`. */
function planAutocorr(
  p: PlannedStep,
  step: AutocorrPeriodStep,
  rateHz: number,
  length: number,
  field: string,
): void {
  p.ints.minLag = Math.max(1, Math.round(step.minS * rateHz));
  p.ints.maxLag = Math.min(length - 1, Math.round(step.maxS * rateHz));
  if (p.ints.maxLag < p.ints.minLag) fail('empty lag range', `${field}.maxS`);
  p.floats.rateHz = Math.fround(rateHz);
}

function isPow2(n: number): boolean {
  return Number.isInteger(n) && n >= 2 && (n & (n - 1)) === 0;
}

/** Checks a graph and compiles it into the plan shared by the TS reference and the C generator. */
export function compileGraph(graph: FeatureGraph): CompiledGraph {
  if (!IDENT.test(graph.name)) fail(`graph name '${graph.name}' must match ${IDENT}`, 'name');
  if (!(graph.rateHz > 0)) fail('rateHz must be > 0', 'rateHz');
  if (!Number.isInteger(graph.window) || graph.window < 2) fail('window must be an integer ≥ 2', 'window');
  if (!Number.isInteger(graph.hop) || graph.hop < 1 || graph.hop > graph.window) {
    fail('hop must be an integer in [1, window]', 'hop');
  }
  if (!graph.channels.length) fail('at least one channel is needed', 'channels');
  const vectors: Record<string, VectorInfo> = {};
  const streamValues = new Map<string, string>();
  graph.channels.forEach((c, i) => {
    if (!IDENT.test(c)) fail(`channel name '${c}' must match ${IDENT}`, `channels[${i}]`);
    streamValues.set(c, graph.units?.[i] ?? '');
  });
  const features: FeatureInfo[] = [];
  const tables = new Map<string, Table>();
  const steps: PlannedStep[] = [];
  let stateFloats = 0;
  const table = (name: string, make: () => Float32Array | Uint16Array): Table => {
    let t = tables.get(name);
    if (!t) tables.set(name, (t = { name, data: make() }));
    return t;
  };
  const define = (v: VectorInfo, field: string): VectorInfo => {
    if (!IDENT.test(v.name)) fail(`name '${v.name}' must match ${IDENT}`, field);
    if (vectors[v.name] || streamValues.has(v.name)) fail(`'${v.name}' is already defined`, field);
    vectors[v.name] = v;
    return v;
  };
  const addFeatures = (p: PlannedStep, prefix: string, list: [string, string][]): void => {
    if (!IDENT.test(prefix))
      fail(
        `feature name '${prefix}' must match ${IDENT}`,
        `${p.phase === 'stream' ? 'stream' : 'steps'}[${p.index}].name`,
      );
    p.featureOffset = features.length;
    for (const [suffix, unit] of list) {
      const name = suffix ? `${prefix}_${suffix}` : prefix;
      if (features.some((x) => x.name === name))
        fail(`feature '${name}' is defined twice`, `steps[${p.index}].name`);
      const info = { name, unit };
      p.features.push(info);
      features.push(info);
    }
  };

  const usesStream = (graph.stream ?? []).length > 0;
  if (usesStream && graph.hop !== graph.window) fail('stream ops need hop = window (no overlap)', 'hop');
  (graph.stream ?? []).forEach((step, index) => {
    const field = `stream[${index}]`;
    step.in.forEach((name, i) => {
      if (!streamValues.has(name)) fail(`unknown per-sample input '${name}'`, `${field}.in[${i}]`);
    });
    const p: PlannedStep = {
      index,
      phase: 'stream',
      step,
      inputs: [],
      features: [],
      featureOffset: features.length,
      ints: {},
      floats: {},
      tables: {},
      stateFloats: 0,
      stateOffset: stateFloats,
      workFloats: 0,
    };
    const unit = streamValues.get(step.in[0]) ?? '';
    const defineValue = (name: string, valueUnit: string): void => {
      if (!IDENT.test(name)) fail(`name '${name}' must match ${IDENT}`, `${field}.out`);
      if (streamValues.has(name) || vectors[name]) fail(`'${name}' is already defined`, `${field}.out`);
      streamValues.set(name, valueUnit);
    };
    switch (step.op) {
      case 'magnitude':
        if (step.in.length !== 3) fail('magnitude takes 3 inputs', `${field}.in`);
        defineValue(step.out, unit);
        break;
      case 'difference':
        p.stateFloats = DIFFERENCE_STATE;
        defineValue(step.out, unit ? `${unit}/sample` : '1/sample');
        break;
      case 'rectify':
        defineValue(step.out, unit);
        break;
      case 'biquad':
        if (!step.sections.length) fail('at least one section is needed', `${field}.sections`);
        p.stateFloats = 2 * step.sections.length;
        p.tables.coeffs = table(`stream_biquad_${index}`, () =>
          biquadCoefficients(step.sections, graph.rateHz, `${field}.sections`),
        );
        defineValue(step.out, unit);
        break;
      case 'moments':
        step.emit.forEach((e, i) => {
          if (!MOMENT_NAMES.includes(e)) fail(`unknown moment '${e}'`, `${field}.emit[${i}]`);
        });
        // Moments up to the second order unless a third- or fourth-order one is asked for.
        p.ints.order = step.emit.some(isHigherMoment) ? 4 : 2;
        p.stateFloats = p.ints.order === 4 ? MOMENTS4_STATE : MOMENTS_STATE;
        addFeatures(
          p,
          step.name,
          step.emit.map((e) => [e, isHigherMoment(e) ? '1' : unit]),
        );
        break;
      case 'decimate':
        if (!Number.isInteger(step.factor) || step.factor < 1)
          fail('factor must be an integer ≥ 1', `${field}.factor`);
        p.ints.factor = step.factor;
        p.stateFloats = Math.ceil(graph.window / step.factor);
        p.output = define(
          {
            name: step.out,
            length: p.stateFloats,
            type: { kind: 'signal', rateHz: graph.rateHz / step.factor, unit },
          },
          `${field}.out`,
        );
        break;
      case 'bandEnergy': {
        const bands = step.bandsHz.length;
        if (!bands) fail('at least one band is needed', `${field}.bandsHz`);
        step.bandsHz.forEach(([lo, hi], i) => {
          if (!(lo > 0 && hi > lo && hi < graph.rateHz / 2))
            fail(`band must satisfy 0 < low < high < ${graph.rateHz / 2} Hz`, `${field}.bandsHz[${i}]`);
        });
        p.stateFloats = bands * (1 + 2 * FILTER_BANK_SECTIONS);
        p.tables.coeffs = table(`bank_${index}`, () =>
          biquadCoefficients(
            step.bandsHz.flatMap(([lo, hi]): BiquadDesign[] => [
              { kind: 'highpass', hz: lo, q: Math.SQRT1_2 },
              { kind: 'lowpass', hz: hi, q: Math.SQRT1_2 },
            ]),
            graph.rateHz,
            `${field}.bandsHz`,
          ),
        );
        // Band b's energy is "bin" b of the state, so the block kernel's relative/ln finish applies as is.
        p.tables.bins = table(`bank_bins_${bands}`, () =>
          Uint16Array.from({ length: 2 * bands }, (_, i) => (i >> 1) + (i & 1)),
        );
        addFeatures(
          p,
          step.name,
          step.bandsHz.map(([lo, hi]) => [
            `${fmtHz(lo)}_${fmtHz(hi)}hz`,
            step.log ? 'ln' : step.relative ? '1' : `(${unit})²`,
          ]),
        );
        break;
      }
      case 'correlation':
        p.stateFloats = COMOMENT_STATE;
        addFeatures(p, step.name, [['', '1']]);
        break;
      case 'autocorrPeriod':
        planAutocorr(p, step, graph.rateHz, graph.window, field);
        addFeatures(p, step.name, AUTOCORR_FEATURES);
        p.stateFloats = autocorrSums(p.ints.minLag, p.ints.maxLag) + p.ints.maxLag;
        break;
      case 'goertzel': {
        const [lo, hi] = step.bins;
        const segment = step.segment ?? graph.window;
        if (!(Number.isInteger(segment) && segment >= 2 && graph.window % segment === 0)) {
          fail(
            `segment must be an integer ≥ 2 that divides the window (${graph.window})`,
            `${field}.segment`,
          );
        }
        if (!(Number.isInteger(lo) && Number.isInteger(hi) && lo >= 1 && hi > lo && hi <= segment / 2)) {
          fail(`bins must be integers with 1 ≤ lo < hi ≤ segment/2`, `${field}.bins`);
        }
        // Resonators [s1, s2] per bin, then (segments shorter than the window) the summed power per bin.
        p.stateFloats = (segment < graph.window ? 3 : 2) * (hi - lo);
        p.ints.segment = segment;
        p.tables.coeff = table(`goertzel_${segment}_${lo}_${hi}`, () =>
          goertzelCoefficients(segment, lo, hi),
        );
        p.output = define(
          {
            name: step.out,
            length: hi - lo,
            type: { kind: 'spectrum', binHz: graph.rateHz / segment, firstBin: lo, unit: `(${unit})²` },
          },
          `${field}.out`,
        );
        break;
      }
      default:
        fail(`unknown stream op '${(step as { op: string }).op}'`, `${field}.op`);
    }
    stateFloats += p.stateFloats;
    steps.push(p);
  });

  let needsRing = false;
  graph.steps.forEach((step, index) => {
    const field = `steps[${index}]`;
    const inputs = step.in.map((name, i) => {
      if (vectors[name]) return vectors[name];
      const c = graph.channels.indexOf(name);
      if (c >= 0) {
        needsRing = true;
        const v: VectorInfo = {
          name,
          length: graph.window,
          type: { kind: 'signal', rateHz: graph.rateHz, unit: graph.units?.[c] ?? '' },
        };
        vectors[name] = v;
        return v;
      }
      return fail(`unknown input '${name}'`, `${field}.in[${i}]`);
    });
    const p: PlannedStep = {
      index,
      phase: 'block',
      step,
      inputs,
      features: [],
      featureOffset: features.length,
      ints: {},
      floats: {},
      tables: {},
      stateFloats: 0,
      stateOffset: 0,
      workFloats: 0,
    };
    const x = inputs[0];
    const need = (kind: VectorKind['kind'], i = 0): void => {
      if (inputs[i]?.type.kind !== kind)
        fail(`input '${step.in[i]}' must be a ${kind}, got ${inputs[i]?.type.kind}`, `${field}.in[${i}]`);
    };
    const arity = (n: number): void => {
      if (step.in.length !== n) fail(`${step.op} takes ${n} input(s)`, `${field}.in`);
    };
    const out = (length: number, type: VectorKind): void => {
      p.output = define({ name: (step as { out: string }).out, length, type }, `${field}.out`);
    };
    const sameLength = (): void => {
      inputs.forEach((v, i) => {
        if (v.length !== x.length)
          fail(`input '${v.name}' has length ${v.length}, expected ${x.length}`, `${field}.in[${i}]`);
      });
    };
    const signal = x?.type.kind === 'signal' ? x.type : undefined;
    const spectrum = x?.type.kind === 'spectrum' ? x.type : undefined;
    const binOf = (hz: number, f: string): number => {
      if (!spectrum) return fail('needs a spectrum', `${field}.in[0]`);
      const k = Math.round(hz / spectrum.binHz) - spectrum.firstBin;
      if (!(hz >= 0) || k < 0 || k > x.length)
        fail(
          `${hz} Hz is outside the spectrum (bins ${spectrum.firstBin}..${spectrum.firstBin + x.length - 1})`,
          f,
        );
      return k;
    };
    switch (step.op) {
      case 'window':
      case 'demean':
      case 'detrend':
      case 'rectify':
      case 'biquad':
        arity(1);
        need('signal');
        if (step.op === 'window')
          p.tables.window = table(`${step.shape}_${x.length}`, () => windowTable(step.shape, x.length));
        if (step.op === 'biquad') {
          if (!step.sections.length) fail('at least one section is needed', `${field}.sections`);
          p.tables.coeffs = table(`biquad_${index}`, () =>
            biquadCoefficients(step.sections, signal!.rateHz, `${field}.sections`),
          );
        }
        out(x.length, x.type);
        break;
      case 'decimate':
        arity(1);
        need('signal');
        if (!Number.isInteger(step.factor) || step.factor < 1)
          fail('factor must be an integer ≥ 1', `${field}.factor`);
        p.ints.factor = step.factor;
        out(Math.ceil(x.length / step.factor), { ...signal!, rateHz: signal!.rateHz / step.factor });
        break;
      case 'zeroPad':
        arity(1);
        need('signal');
        if (!Number.isInteger(step.length) || step.length < x.length)
          fail(`length must be an integer ≥ ${x.length}`, `${field}.length`);
        out(step.length, x.type);
        break;
      case 'magnitude':
        arity(3);
        for (let i = 0; i < 3; i++) need('signal', i);
        sameLength();
        out(x.length, x.type);
        break;
      case 'powerSpectrum':
        arity(1);
        need('signal');
        if (!isPow2(x.length) || x.length < 4 || x.length > 4096)
          fail(`powerSpectrum needs a power-of-two length in [4, 4096], got ${x.length}`, `${field}.in[0]`);
        {
          const tw = twiddleTables(x.length);
          p.tables.cos = table(`cos_${x.length}`, () => tw.cos);
          p.tables.sin = table(`sin_${x.length}`, () => tw.sin);
        }
        p.workFloats = x.length;
        out(x.length / 2 + 1, {
          kind: 'spectrum',
          binHz: signal!.rateHz / x.length,
          firstBin: 0,
          unit: `(${signal!.unit})²`,
        });
        break;
      case 'beats': {
        arity(2);
        need('signal', 0);
        need('signal', 1);
        sameLength();
        const seconds = x.length / signal!.rateHz;
        p.ints.refractory = Math.max(1, Math.round(step.refractoryS * signal!.rateHz));
        p.ints.capacity = Math.max(2, Math.ceil((seconds * step.maxRateBpm) / 60));
        p.floats.thresholdK = Math.fround(step.thresholdK);
        out(1 + 3 * p.ints.capacity, { kind: 'beats', capacity: p.ints.capacity, rateHz: signal!.rateHz });
        break;
      }
      case 'respSeries': {
        arity(1);
        need('beats');
        const b = x.type as Extract<VectorKind, { kind: 'beats' }>;
        if (!RESP_SERIES.includes(step.kind))
          fail(`kind must be one of ${RESP_SERIES.join(', ')}`, `${field}.kind`);
        const stepSamples = b.rateHz / step.rateHz;
        if (Math.fround(stepSamples) !== stepSamples)
          fail('rateHz must divide the signal rate into an exact float step', `${field}.rateHz`);
        p.ints.capacity = b.capacity;
        p.ints.kind = RESP_SERIES.indexOf(step.kind);
        p.floats.step = Math.fround(stepSamples);
        const windowS = graph.window / graph.rateHz;
        out(Math.floor(windowS * step.rateHz), {
          kind: 'signal',
          rateHz: step.rateHz,
          unit: step.kind === 'rifv' ? 'samples' : '',
        });
        break;
      }
      case 'peakFrequency':
        arity(1);
        need('spectrum');
        p.ints.lo = binOf(step.rangeHz[0], `${field}.rangeHz[0]`);
        p.ints.hi = Math.min(x.length - 1, binOf(step.rangeHz[1], `${field}.rangeHz[1]`));
        p.floats.binHz = Math.fround(spectrum!.binHz);
        p.floats.firstBin = Math.fround(spectrum!.firstBin);
        p.floats.scale = Math.fround(step.scale);
        out(2, { kind: 'estimate', unit: step.scale === 60 ? '1/min' : 'Hz' });
        break;
      case 'fuse':
        if (step.in.length < 2) fail('fuse takes at least 2 inputs', `${field}.in`);
        inputs.forEach((_, i) => need('estimate', i));
        p.workFloats = 2 * inputs.length;
        out(2, x.type);
        break;
      case 'stats':
        arity(1);
        need('signal');
        step.emit.forEach((e, i) => {
          if (!STAT_NAMES.includes(e)) fail(`unknown statistic '${e}'`, `${field}.emit[${i}]`);
        });
        p.workFloats = STAT_NAMES.length;
        addFeatures(
          p,
          step.name,
          step.emit.map((e) => [
            e,
            ['skewness', 'kurtosis', 'crest'].includes(e)
              ? '1'
              : e === 'zcr' || e === 'mcr'
                ? '1/sample'
                : signal!.unit,
          ]),
        );
        break;
      case 'correlation':
        arity(2);
        need('signal', 0);
        need('signal', 1);
        sameLength();
        addFeatures(p, step.name, [['', '1']]);
        break;
      case 'sma':
        arity(3);
        for (let i = 0; i < 3; i++) need('signal', i);
        sameLength();
        addFeatures(p, step.name, [['', signal!.unit]]);
        break;
      case 'bandEnergy': {
        arity(1);
        need('spectrum');
        const bins = new Uint16Array(2 * step.bandsHz.length);
        step.bandsHz.forEach(([lo, hi], i) => {
          bins[2 * i] = binOf(lo, `${field}.bandsHz[${i}][0]`);
          bins[2 * i + 1] = binOf(hi, `${field}.bandsHz[${i}][1]`);
          if (bins[2 * i + 1] <= bins[2 * i])
            fail('band is empty at this resolution', `${field}.bandsHz[${i}]`);
        });
        p.tables.bins = table(`bands_${index}`, () => bins);
        p.ints.totalLo = Math.min(...bins);
        p.ints.totalHi = Math.max(...bins);
        p.workFloats = step.bandsHz.length;
        const unit = step.log ? 'ln' : step.relative ? '1' : spectrum!.unit;
        addFeatures(
          p,
          step.name,
          step.bandsHz.map(([lo, hi]) => [`${fmtHz(lo)}_${fmtHz(hi)}hz`, unit]),
        );
        break;
      }
      case 'spectralShape':
        arity(1);
        need('spectrum');
        p.ints.lo = binOf(step.rangeHz[0], `${field}.rangeHz[0]`);
        p.ints.hi = binOf(step.rangeHz[1], `${field}.rangeHz[1]`);
        if (p.ints.hi <= p.ints.lo) fail('range is empty at this resolution', `${field}.rangeHz`);
        p.floats.binHz = Math.fround(spectrum!.binHz);
        p.floats.firstBin = Math.fround(spectrum!.firstBin);
        p.workFloats = 3;
        step.emit.forEach((e, i) => {
          if (!['centroid', 'peak', 'flatness'].includes(e))
            fail(`unknown shape '${e}'`, `${field}.emit[${i}]`);
        });
        addFeatures(
          p,
          step.name,
          step.emit.map((e) => [e, e === 'flatness' ? 'ln' : 'Hz']),
        );
        break;
      case 'defectEnergy': {
        arity(1);
        need('spectrum');
        if (!Number.isInteger(step.harmonics) || step.harmonics < 1)
          fail('harmonics must be an integer ≥ 1', `${field}.harmonics`);
        const ranges = new Uint16Array(2 * step.orders.length * step.harmonics);
        step.orders.forEach((o, i) => {
          for (let h = 0; h < step.harmonics; h++) {
            const bins = harmonicBins(spectrum!, x.length, o.multiple * step.shaftHz * (h + 1));
            const [lo, hi] = bins(step.toleranceHz);
            if (hi <= lo)
              fail(`harmonic ${h + 1} of '${o.name}' is outside the spectrum`, `${field}.orders[${i}]`);
            ranges[2 * (i * step.harmonics + h)] = lo;
            ranges[2 * (i * step.harmonics + h) + 1] = hi;
          }
        });
        p.tables.ranges = table(`defect_${index}`, () => ranges);
        p.ints.harmonics = step.harmonics;
        p.ints.refLo = binOf(step.referenceHz[0], `${field}.referenceHz[0]`);
        p.ints.refHi = binOf(step.referenceHz[1], `${field}.referenceHz[1]`);
        if (p.ints.refHi <= p.ints.refLo) fail('reference range is empty', `${field}.referenceHz`);
        p.workFloats = step.orders.length;
        addFeatures(
          p,
          step.name,
          step.orders.map((o) => [o.name, 'ln']),
        );
        break;
      }
      case 'defectProminence': {
        arity(1);
        need('spectrum');
        if (!Number.isInteger(step.harmonics) || step.harmonics < 1)
          fail('harmonics must be an integer ≥ 1', `${field}.harmonics`);
        if (!(step.toleranceHz >= 0 && step.neighbourhoodHz > step.toleranceHz))
          fail('neighbourhoodHz must be larger than toleranceHz ≥ 0', `${field}.neighbourhoodHz`);
        const ranges = new Uint16Array(4 * step.orders.length * step.harmonics);
        step.orders.forEach((o, i) => {
          for (let h = 0; h < step.harmonics; h++) {
            const bins = harmonicBins(spectrum!, x.length, o.multiple * step.shaftHz * (h + 1));
            const [lo, hi] = bins(step.toleranceHz);
            const [nlo, nhi] = bins(step.neighbourhoodHz);
            if (hi <= lo || lo - nlo + (nhi - hi) < 1)
              fail(
                `harmonic ${h + 1} of '${o.name}' or its neighbourhood is outside the spectrum`,
                `${field}.orders[${i}]`,
              );
            ranges.set([nlo, lo, hi, nhi], 4 * (i * step.harmonics + h));
          }
        });
        p.tables.ranges = table(`prominence_${index}`, () => ranges);
        p.ints.harmonics = step.harmonics;
        p.workFloats = step.orders.length;
        addFeatures(
          p,
          step.name,
          step.orders.map((o) => [o.name, 'ln']),
        );
        break;
      }
      case 'autocorrPeriod':
        arity(1);
        need('signal');
        planAutocorr(p, step, signal!.rateHz, x.length, field);
        addFeatures(p, step.name, AUTOCORR_FEATURES);
        p.workFloats = autocorrSums(p.ints.minLag, p.ints.maxLag);
        break;
      case 'heartRate': {
        arity(1);
        need('beats');
        const b = x.type as Extract<VectorKind, { kind: 'beats' }>;
        p.ints.capacity = b.capacity;
        p.floats.rateHz = Math.fround(b.rateHz);
        p.workFloats = b.capacity + 2;
        addFeatures(p, step.name, [
          ['rate', '1/min'],
          ['beats', 'count'],
        ]);
        break;
      }
      case 'emit': {
        arity(1);
        const names = step.names ?? Array.from({ length: x.length }, (_, i) => String(i));
        if (names.length !== x.length)
          fail(`names has ${names.length} entries, the vector ${x.length}`, `${field}.names`);
        const unit = step.unit ?? ('unit' in x.type ? x.type.unit : '');
        addFeatures(
          p,
          step.name,
          names.map((n) => [n, unit]),
        );
        break;
      }
      default:
        fail(`unknown op '${(step as { op: string }).op}'`, `${field}.op`);
    }
    steps.push(p);
  });
  if (!features.length) fail('the graph emits no features', 'steps');

  const ringFloats = needsRing ? graph.channels.length * graph.window : 0;
  const memory = planMemory(steps, graph.channels, vectors, ringFloats, stateFloats, features.length, [
    ...tables.values(),
  ]);
  return { graph, steps, vectors, features, tables: [...tables.values()], memory };
}

function fmtHz(hz: number): string {
  return String(hz).replace('.', 'p');
}

/**
 * The bins of a spectrum within ±halfWidthHz of a line at `hz`, as [lo, hi) clipped to its `length` bins:
 * what defectEnergy and defectProminence sum or compare around each bearing defect harmonic.
 */
function harmonicBins(
  spectrum: { binHz: number; firstBin: number },
  length: number,
  hz: number,
): (halfWidthHz: number) => [number, number] {
  const centre = hz / spectrum.binHz - spectrum.firstBin;
  return (halfWidthHz) => {
    const half = halfWidthHz / spectrum.binHz;
    return [Math.max(0, Math.round(centre - half)), Math.min(length, Math.round(centre + half) + 1)];
  };
}

/**
 * Block ops whose C kernel may write its output over its first input: element i only reads inputs at ≥ i,
 * or (powerSpectrum) the whole input is copied into the step's work buffer before any output is written.
 */
const IN_PLACE_OPS = new Set([
  'window',
  'demean',
  'detrend',
  'rectify',
  'biquad',
  'decimate',
  'magnitude',
  'powerSpectrum',
]);

/**
 * Scratch layout by liveness: a vector lives from the step that defines it (stream outputs: from the
 * start) to its last use; a step's work buffer only during that step. An in-place op whose first input
 * dies at that step writes over it (one buffer). First fit, largest first. Channels are read straight
 * from the ring buffer (rotated so the window starts at index 0), so they take no scratch and are
 * never written over; vectors a stream op fills live in the stream state, and in-place ops on them
 * write there too (the stream refills them before the next window's block ops read them).
 */
function planMemory(
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
    if (s.phase === 'stream' && s.step.op === 'decimate') stateOffsets[s.output!.name] = s.stateOffset;
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
      !IN_PLACE_OPS.has(s.step.op) ||
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
