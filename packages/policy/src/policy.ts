/**
 * An uplink policy says how the results of every analysed window become one uplink per period:
 * each payload field gets one aggregate (minutes per class, the dominant class, a feature's mean or
 * maximum, the largest anomaly score, ...). It also holds the rule for an immediate alert uplink and,
 * optionally, an anomaly baseline that the device learns on site during a commissioning period.
 * The same compiled policy drives the TS reference (./reference) and the generated C (./codegen).
 */
import { MurmurError } from '@murmur/core';
import type { Field, PayloadSchema } from '@murmur/payload';

export type Reduce = 'mean' | 'max' | 'min' | 'last';

export type Aggregate =
  /** uint array, one element per class: minutes spent in the class over the period (rounded). */
  | { of: 'classMinutes' }
  /**
   * enum: the class with the most windows (ties: the first class); `none` is the enum value sent when no
   * window of the period has a class (every one rejected by the class rule, or none analysed).
   */
  | { of: 'dominantClass'; none?: string }
  /** unorm/fixed: mean classifier confidence over the period's windows. */
  | { of: 'meanConfidence' }
  /** unorm/fixed: mean confidence over the windows of the dominant class. */
  | { of: 'dominantConfidence' }
  /** A feature of the window's feature vector, reduced over the period; `quality` keeps only windows whose quality feature is ≥ min. */
  | { of: 'feature'; feature: string; reduce: Reduce; quality?: { feature: string; min: number } }
  /** The largest anomaly score of the period (0 while the baseline is being learned). */
  | { of: 'anomalyMax' }
  /** The number of windows analysed in the period. */
  | { of: 'windows' }
  /** The number of windows of the period that the class rule rejected (they have no class). */
  | { of: 'rejectedWindows' }
  /** bool: an alert was raised during the period. */
  | { of: 'alert' }
  /** Battery level given when the uplink is made. */
  | { of: 'battery' }
  /**
   * Windows of the period the sensor check found faulty (non-finite, clipped or stuck samples): bool,
   * whether there was one; numeric, how many. A faulty window counts in no other aggregate.
   */
  | { of: 'sensorFaults' };

export interface UplinkPolicyDef {
  /** Seconds between periodic uplinks. */
  periodS: number;
  /** One aggregate per payload field. */
  fields: Record<string, Aggregate>;
  /**
   * Immediate alert: a window is abnormal when its class is one of `abnormalClasses` or its anomaly score
   * exceeds `anomalyAbove`; `consecutive` abnormal windows in a row raise the alert (once per episode).
   */
  alert?: { abnormalClasses?: string[]; anomalyAbove?: number; consecutive: number };
  /**
   * On-site baseline: the first `commissioningWindows` windows update running means and variances of the
   * listed features (Welford); after that the baseline is frozen and each window's anomaly score is the
   * root mean square of its z-scores.
   */
  baseline?: { features: string[]; commissioningWindows: number };
  /**
   * The window's class from one feature by fixed bounds instead of from the model's output, for classes
   * that are defined by a measured quantity (e.g. the breathing class by the respiratory rate).
   */
  classRule?: ClassRule;
}

/**
 * `below.class` for values < `below.value`, `above.class` for values > `above.value`, `otherwise` in
 * between (float32 comparisons). A window whose feature is not finite, or whose quality feature is not
 * ≥ `quality.min`, is rejected: it counts in no class (classMinutes, dominantClass), neither extends nor
 * breaks a run of abnormal windows, and counts in `rejectedWindows`; feature aggregates still see it.
 */
export interface ClassRule {
  feature: string;
  below: { value: number; class: string };
  above: { value: number; class: string };
  otherwise: string;
  quality?: { feature: string; min: number };
}

/** A class rule resolved to feature and class indices, bounds in float32. */
export interface CompiledClassRule {
  feature: number;
  below: number;
  belowClass: number;
  above: number;
  aboveClass: number;
  otherwise: number;
  quality?: { feature: number; min: number };
}

/** A policy checked against its payload schema, classes and feature vector. */
export interface CompiledPolicy {
  def: UplinkPolicyDef;
  /** C identifier stem (the payload schema's name). */
  name: string;
  payload: PayloadSchema;
  classes: string[];
  featureNames: string[];
  /** Samples between window starts and the sampling rate: minutes = windows · hop / rate / 60. */
  hopSamples: number;
  rateHz: number;
  /** Per field, in payload order: the aggregate and what it needs resolved to indices. */
  slots: PolicySlot[];
  /** Feature indices of the baseline. */
  baselineFeatures: number[];
  abnormalClasses: number[];
  classRule?: CompiledClassRule;
}

export interface PolicySlot {
  field: string;
  type: Field;
  aggregate: Aggregate;
  /** Index into the feature vector (feature aggregates). */
  feature?: number;
  /** Quality gate: feature index and minimum. */
  quality?: { feature: number; min: number };
  /** dominantClass: enum value index of each class. */
  classToEnum?: number[];
  /** dominantClass: enum value index sent when no window has a class. */
  noneEnum?: number;
}

/** Smallest variance the anomaly score divides by, against a feature that was constant while commissioning. */
export const BASELINE_VARIANCE_FLOOR = 1e-6;

export interface PolicyContext {
  payload: PayloadSchema;
  classes: readonly string[];
  featureNames: readonly string[];
  hopSamples: number;
  rateHz: number;
}

export function compilePolicy(def: UplinkPolicyDef, ctx: PolicyContext): CompiledPolicy {
  const where = (field: string): { field: string } => ({ field: `${ctx.payload.name}.${field}` });
  const featureIndex = (name: string, field: string): number => {
    const i = ctx.featureNames.indexOf(name);
    if (i < 0) {
      throw new MurmurError(
        `no feature '${name}' in the feature vector (${ctx.featureNames.join(', ')})`,
        where(field),
      );
    }
    return i;
  };
  if (!(def.periodS > 0))
    throw new MurmurError(`periodS must be positive, got ${def.periodS}`, where('periodS'));
  if (
    !Number.isInteger(ctx.hopSamples) ||
    ctx.hopSamples <= 0 ||
    !Number.isInteger(ctx.rateHz) ||
    ctx.rateHz <= 0
  ) {
    throw new MurmurError(
      `hop (${ctx.hopSamples}) and rate (${ctx.rateHz}) must be positive integers`,
      where('hop'),
    );
  }
  if (ctx.classes.length === 0 || ctx.classes.length > 255) {
    throw new MurmurError(`1..255 classes needed, got ${ctx.classes.length}`, where('classes'));
  }
  for (const name of Object.keys(def.fields)) {
    if (!(name in ctx.payload.fields))
      throw new MurmurError('the payload schema has no such field', where(name));
  }
  const slots: PolicySlot[] = Object.entries(ctx.payload.fields).map(([field, type]) => {
    const aggregate = def.fields[field];
    if (!aggregate) throw new MurmurError('no aggregate for this payload field', where(field));
    const slot: PolicySlot = { field, type, aggregate };
    const expect = (ok: boolean, what: string): void => {
      if (!ok)
        throw new MurmurError(`${aggregate.of} needs ${what}, the field is ${type.kind}`, where(field));
    };
    const numeric = ['uint', 'int', 'fixed', 'unorm'].includes(type.kind);
    switch (aggregate.of) {
      case 'classMinutes':
        expect(
          type.kind === 'array' && type.length === ctx.classes.length && type.of.kind === 'uint',
          `a uint array of ${ctx.classes.length} elements`,
        );
        break;
      case 'dominantClass': {
        expect(type.kind === 'enum', 'an enum field');
        const values = (type as { values: readonly string[] }).values;
        slot.classToEnum = ctx.classes.map((c) => {
          const v = values.indexOf(c);
          if (v < 0)
            throw new MurmurError(
              `class '${c}' is not a value of the enum (${values.join(', ')})`,
              where(field),
            );
          return v;
        });
        if (aggregate.none !== undefined) {
          slot.noneEnum = values.indexOf(aggregate.none);
          if (slot.noneEnum < 0)
            throw new MurmurError(
              `'${aggregate.none}' is not a value of the enum (${values.join(', ')})`,
              where(field),
            );
        }
        break;
      }
      case 'feature':
        expect(numeric, 'a numeric field');
        slot.feature = featureIndex(aggregate.feature, field);
        if (aggregate.quality)
          slot.quality = {
            feature: featureIndex(aggregate.quality.feature, field),
            min: Math.fround(aggregate.quality.min),
          };
        break;
      case 'meanConfidence':
      case 'dominantConfidence':
      case 'anomalyMax':
      case 'windows':
      case 'rejectedWindows':
      case 'battery':
        expect(numeric, 'a numeric field');
        if (aggregate.of === 'rejectedWindows' && !def.classRule)
          throw new MurmurError('rejectedWindows needs a class rule', where(field));
        if (aggregate.of === 'anomalyMax' && !def.baseline)
          throw new MurmurError('anomalyMax needs a baseline', where(field));
        break;
      case 'sensorFaults':
        expect(type.kind === 'bool' || numeric, 'a bool or numeric field');
        break;
      case 'alert':
        expect(type.kind === 'bool', 'a bool field');
        if (!def.alert) throw new MurmurError('an alert field needs an alert rule', where(field));
        break;
    }
    return slot;
  });
  const classIndex = (c: string, field: string): number => {
    const i = ctx.classes.indexOf(c);
    if (i < 0)
      throw new MurmurError(`unknown class '${c}' (classes: ${ctx.classes.join(', ')})`, where(field));
    return i;
  };
  const abnormalClasses = (def.alert?.abnormalClasses ?? []).map((c) =>
    classIndex(c, 'alert.abnormalClasses'),
  );
  const rule = def.classRule;
  let classRule: CompiledClassRule | undefined;
  if (rule) {
    if (!(
      Number.isFinite(rule.below.value) &&
      Number.isFinite(rule.above.value) &&
      rule.below.value <= rule.above.value
    )) {
      throw new MurmurError(`bounds must be finite with below.value ≤ above.value`, where('classRule'));
    }
    classRule = {
      feature: featureIndex(rule.feature, 'classRule.feature'),
      below: Math.fround(rule.below.value),
      belowClass: classIndex(rule.below.class, 'classRule.below.class'),
      above: Math.fround(rule.above.value),
      aboveClass: classIndex(rule.above.class, 'classRule.above.class'),
      otherwise: classIndex(rule.otherwise, 'classRule.otherwise'),
      ...(rule.quality
        ? {
            quality: {
              feature: featureIndex(rule.quality.feature, 'classRule.quality.feature'),
              min: Math.fround(rule.quality.min),
            },
          }
        : {}),
    };
  }
  if (
    def.alert &&
    !(Number.isInteger(def.alert.consecutive) && def.alert.consecutive >= 1 && def.alert.consecutive < 65535)
  ) {
    throw new MurmurError(`consecutive must be an integer in 1..65534`, where('alert.consecutive'));
  }
  const baselineFeatures = (def.baseline?.features ?? []).map((f) => featureIndex(f, 'baseline.features'));
  if (
    def.baseline &&
    !(def.baseline.commissioningWindows >= 2 && def.baseline.commissioningWindows < 65535)
  ) {
    throw new MurmurError('commissioningWindows must be in 2..65534', where('baseline.commissioningWindows'));
  }
  return {
    def,
    name: ctx.payload.name,
    payload: ctx.payload,
    classes: [...ctx.classes],
    featureNames: [...ctx.featureNames],
    hopSamples: ctx.hopSamples,
    rateHz: ctx.rateHz,
    slots,
    baselineFeatures,
    abnormalClasses,
    ...(classRule ? { classRule } : {}),
  };
}

/** Windows in one period (the device counts windows, not seconds). */
export function windowsPerPeriod(p: CompiledPolicy): number {
  return windowsPerUplink(p.def.periodS, p.rateHz, p.hopSamples);
}

/** Windows in an uplink period of `periodS` seconds, windows starting every `hopSamples` at `rateHz` (at least 1). */
export function windowsPerUplink(periodS: number, rateHz: number, hopSamples: number): number {
  return Math.max(1, Math.round((periodS * rateHz) / hopSamples));
}
