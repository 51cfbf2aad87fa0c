import { MurmurError } from '@murmur/core';
import type { Field, PayloadSchema } from '@murmur/payload';

/**
 * The uplink policy: how the results of the windows in one uplink period become the fields of the uplink
 * payload. The same policy drives the TypeScript reference (UplinkAggregator) and the generated C, which
 * agree bit for bit (integer counts, float32 sums in the same order).
 */
export type FieldSource =
  /** enum: the class with the most windows (the first on ties; 0 when there were none). */
  | { from: 'dominant' }
  /** array of uint, one per class: round(windows of the class * window hop / 60 s), half up. */
  | { from: 'classMinutes' }
  /** unorm: mean of margin / 255 over the windows of the dominant class (0 without windows). */
  | { from: 'confidence' }
  /** uint: windows in the period. */
  | { from: 'windows' }
  /** bool: the dominant class is one of these (and there was a window). */
  | { from: 'alert'; classes: string[] }
  /**
   * The mean, largest or latest value of a feature over the period (0 without windows), for uint, fixed and
   * unorm fields; a uint field gets it rounded half away from zero, with negative values and NaN as 0.
   */
  | { from: 'featureMean' | 'featureMax' | 'featureLast'; feature: string }
  /** Supplied by the caller when encoding (battery level, readings from elsewhere). */
  | { from: 'input' };

export interface UplinkPolicy {
  /** Which payload enum field lists the model's classes, in output order. */
  classField: string;
  fields: Record<string, FieldSource>;
}

/** The model classes named by the policy's class field. */
export function policyClasses(schema: PayloadSchema, policy: UplinkPolicy): string[] {
  const field = schema.fields[policy.classField];
  if (!field || field.kind !== 'enum') {
    throw new MurmurError(`the class field must be an enum field of '${schema.name}'`, {
      field: 'classField',
    });
  }
  return [...field.values];
}

/** Checks that every payload field has a source that fits its kind and that every feature exists. */
export function checkPolicy(schema: PayloadSchema, policy: UplinkPolicy, features: readonly string[]): void {
  const classes = policyClasses(schema, policy);
  for (const [name, field] of Object.entries(schema.fields) as [string, Field][]) {
    const source = policy.fields[name];
    const where = { field: `fields.${name}` };
    if (!source) throw new MurmurError(`no source for payload field '${name}'`, where);
    const fits =
      source.from === 'dominant'
        ? field.kind === 'enum' && field.values.length === classes.length
        : source.from === 'classMinutes'
          ? field.kind === 'array' && field.length === classes.length && field.of.kind === 'uint'
          : source.from === 'alert'
            ? field.kind === 'bool' && source.classes.every((c) => classes.includes(c))
            : source.from === 'windows'
              ? field.kind === 'uint'
              : source.from === 'input'
                ? field.kind !== 'array'
                : ['uint', 'fixed', 'unorm'].includes(field.kind);
    if (!fits) throw new MurmurError(`source '${source.from}' does not fit a ${field.kind} field`, where);
    if ('feature' in source && !features.includes(source.feature)) {
      throw new MurmurError(`unknown feature '${source.feature}'`, where);
    }
  }
  for (const name of Object.keys(policy.fields)) {
    if (!(name in schema.fields))
      throw new MurmurError(`'${name}' is not a field of '${schema.name}'`, { field: `fields.${name}` });
  }
}

/** Features the policy aggregates, in first-use order. */
export function policyFeatures(policy: UplinkPolicy): string[] {
  const names: string[] = [];
  for (const s of Object.values(policy.fields))
    if ('feature' in s && !names.includes(s.feature)) names.push(s.feature);
  return names;
}

const f32 = Math.fround;

/** The TypeScript reference of the generated aggregation: feed each window's result, read the payload value. */
export class UplinkAggregator {
  private windows = 0;
  private readonly classWindows: number[];
  private readonly marginSum: number[];
  private readonly sums: number[];
  private readonly maxima: number[];
  private readonly last: number[];
  private readonly features: string[];

  constructor(
    private readonly schema: PayloadSchema,
    private readonly policy: UplinkPolicy,
    private readonly featureNames: readonly string[],
    /** Window hop in frames and the sampling rate, for classMinutes. */
    private readonly hopFrames: number,
    private readonly rateHz: number,
  ) {
    const k = policyClasses(schema, policy).length;
    this.classWindows = new Array<number>(k).fill(0);
    this.marginSum = new Array<number>(k).fill(0);
    this.features = policyFeatures(policy);
    this.sums = this.features.map(() => 0);
    this.maxima = this.features.map(() => 0);
    this.last = this.features.map(() => 0);
  }

  /** One window's result: the class index, its margin (0..255) and the window's float32 features. */
  add(index: number, margin: number, features: Float32Array): void {
    const first = this.windows === 0;
    this.windows = Math.min(this.windows + 1, 0xffff);
    this.classWindows[index] = Math.min(this.classWindows[index]! + 1, 0xffff);
    this.marginSum[index] = this.marginSum[index]! + margin;
    this.features.forEach((name, i) => {
      const v = features[this.featureNames.indexOf(name)]!;
      this.sums[i] = f32(this.sums[i]! + v);
      this.maxima[i] = first || v > this.maxima[i]! ? v : this.maxima[i]!;
      this.last[i] = v;
    });
  }

  private dominant(): number {
    let best = 0;
    for (let i = 1; i < this.classWindows.length; i++)
      if (this.classWindows[i]! > this.classWindows[best]!) best = i;
    return best;
  }

  /** A feature value for a uint field, as the C does it. */
  private static toUint(x: number): number {
    if (!(x > 0)) return 0;
    if (x >= 2 ** 30) return 2 ** 30;
    const q = Math.trunc(x);
    return x - q >= 0.5 ? q + 1 : q;
  }

  /** The payload value of the period; `inputs` holds the caller-supplied fields. */
  value(inputs: Record<string, number | boolean> = {}): Record<string, unknown> {
    const classes = policyClasses(this.schema, this.policy);
    const dominant = this.dominant();
    const out: Record<string, unknown> = {};
    for (const [name, source] of Object.entries(this.policy.fields)) {
      const i = 'feature' in source ? this.features.indexOf(source.feature) : -1;
      switch (source.from) {
        case 'dominant':
          out[name] = classes[dominant];
          break;
        case 'classMinutes': {
          const denominator = 2 * this.rateHz * 60;
          out[name] = this.classWindows.map((c) =>
            Math.floor((2 * c * this.hopFrames + this.rateHz * 60) / denominator),
          );
          break;
        }
        case 'confidence': {
          const n = this.classWindows[dominant]!;
          out[name] = n === 0 ? 0 : f32(f32(this.marginSum[dominant]!) / f32(255 * n));
          break;
        }
        case 'windows':
          out[name] = this.windows;
          break;
        case 'alert':
          out[name] = this.windows > 0 && source.classes.includes(classes[dominant]!);
          break;
        case 'featureMean':
        case 'featureMax':
        case 'featureLast': {
          const v =
            this.windows === 0
              ? 0
              : source.from === 'featureMean'
                ? f32(this.sums[i]! / f32(this.windows))
                : source.from === 'featureMax'
                  ? this.maxima[i]!
                  : this.last[i]!;
          out[name] = this.schema.fields[name]!.kind === 'uint' ? UplinkAggregator.toUint(v) : v;
          break;
        }
        case 'input':
          out[name] = inputs[name] ?? 0;
          break;
      }
    }
    return out;
  }

  /** Starts the next period. */
  reset(): void {
    this.windows = 0;
    this.classWindows.fill(0);
    this.marginSum.fill(0);
    this.sums.fill(0);
    this.maxima.fill(0);
    this.last.fill(0);
  }
}

/**
 * The uplink policies of the three templates. Fields no on-device stage computes yet (the bearing anomaly
 * score, battery levels) are caller inputs.
 */
export const defaultUplinkPolicies: Record<string, UplinkPolicy> = {
  'wearable-activity': {
    classField: 'dominant',
    fields: {
      minutes: { from: 'classMinutes' },
      dominant: { from: 'dominant' },
      confidence: { from: 'confidence' },
      battery_pct: { from: 'input' },
    },
  },
  'predictive-maintenance': {
    classField: 'state',
    fields: {
      state: { from: 'dominant' },
      confidence: { from: 'confidence' },
      anomaly_score: { from: 'input' },
      rms_g: { from: 'featureMean', feature: 'x_rms' },
      peak_g: { from: 'featureMax', feature: 'x_peak' },
      kurtosis: { from: 'featureMean', feature: 'x_kurtosis' },
      windows: { from: 'windows' },
      alert: { from: 'alert', classes: ['inner_race', 'ball', 'outer_race'] },
      battery_pct: { from: 'input' },
    },
  },
  'ppg-triage': {
    classField: 'breathing',
    fields: {
      breathing: { from: 'dominant' },
      rr_bpm: { from: 'featureLast', feature: 'rr_rate' },
      hr_bpm: { from: 'featureLast', feature: 'hr_rate' },
      confidence: { from: 'confidence' },
      signal_quality: { from: 'featureLast', feature: 'rr_quality' },
      alert: { from: 'alert', classes: ['slow', 'fast'] },
      battery_pct: { from: 'input' },
    },
  },
};
