import { describe, expect, it } from 'vitest';
import { createRng } from '@murmur/core';
import { decode, definePayload, t } from '@murmur/payload';
import { compilePolicy, windowsPerPeriod, type UplinkPolicyDef } from './policy';
import { PolicyRunner, roundToInteger } from './reference';
import { buildHostPolicy, referenceLines, runHostPolicy, type PolicyOp } from './testing';

const classes = ['normal', 'inner', 'ball', 'outer'];
const featureNames = ['rms', 'peak', 'kurt', 'quality', 'rate'];

const payload = definePayload({
  name: 'policy_test',
  fPort: 9,
  version: 1,
  fields: {
    minutes: t.array(t.uint(6, { saturate: true }), 4),
    state: t.enum(['outer', 'ball', 'inner', 'normal']),
    confidence: t.unorm(7, { saturate: true }),
    rms: t.fixed(10, { scale: 0.01, saturate: true }),
    peak: t.fixed(10, { scale: 0.05, saturate: true }),
    kurt_min: t.fixed(8, { scale: 0.1, saturate: true }),
    rate: t.fixed(7, { scale: 0.5, saturate: true }),
    last_rms: t.fixed(10, { scale: 0.01, saturate: true }),
    anomaly: t.fixed(8, { scale: 0.1, saturate: true }),
    windows: t.uint(10, { saturate: true }),
    alert: t.bool(),
    battery: t.uint(7, { max: 100, saturate: true }),
    rate_int: t.uint(8, { saturate: true }),
    kurt_int: t.int(6, { saturate: true }),
    state_conf: t.unorm(5),
    faulty: t.uint(6, { saturate: true }),
    sensor_fault: t.bool(),
  },
});

const def: UplinkPolicyDef = {
  periodS: 60,
  fields: {
    minutes: { of: 'classMinutes' },
    state: { of: 'dominantClass' },
    confidence: { of: 'meanConfidence' },
    rms: { of: 'feature', feature: 'rms', reduce: 'mean' },
    peak: { of: 'feature', feature: 'peak', reduce: 'max' },
    kurt_min: { of: 'feature', feature: 'kurt', reduce: 'min' },
    rate: { of: 'feature', feature: 'rate', reduce: 'mean', quality: { feature: 'quality', min: 0.5 } },
    last_rms: { of: 'feature', feature: 'rms', reduce: 'last' },
    anomaly: { of: 'anomalyMax' },
    windows: { of: 'windows' },
    alert: { of: 'alert' },
    battery: { of: 'battery' },
    rate_int: { of: 'feature', feature: 'rate', reduce: 'mean' },
    kurt_int: { of: 'feature', feature: 'kurt', reduce: 'last' },
    state_conf: { of: 'dominantConfidence' },
    faulty: { of: 'sensorFaults' },
    sensor_fault: { of: 'sensorFaults' },
  },
  alert: { abnormalClasses: ['inner', 'outer'], anomalyAbove: 6, consecutive: 3 },
  baseline: { features: ['rms', 'peak', 'kurt'], commissioningWindows: 20 },
};

const ctx = { payload, classes, featureNames, hopSamples: 2048, rateHz: 12000 };

function randomOps(seed: number, count: number): PolicyOp[] {
  const rng = createRng(seed);
  const ops: PolicyOp[] = [];
  let drift = 0;
  for (let i = 0; i < count; i++) {
    const r = rng.next();
    if (r < 0.03) ops.push({ op: 'summary', battery: rng.int(0, 100) });
    else if (r < 0.05) ops.push({ op: 'newPeriod' });
    else if (r < 0.055) ops.push({ op: 'restartBaseline' });
    else {
      if (rng.next() < 0.01) drift = rng.next() * 5;
      const features = Float32Array.from([
        Math.abs(0.5 + 0.1 * rng.normal() + drift),
        Math.abs(2 + 0.5 * rng.normal() + 4 * drift),
        3 * rng.normal(),
        rng.next(),
        rng.next() < 0.02 ? Number.NaN : 10 + 10 * rng.next(),
      ]);
      const classIndex = rng.next() < 0.01 ? 7 : rng.int(0, 3);
      const sensorFault = rng.next() < 0.03 ? rng.int(1, 7) : 0;
      ops.push({
        op: 'window',
        outcome: { classIndex, confidence: (rng.int(-128, 127) + 128) / 256, features, sensorFault },
      });
    }
  }
  ops.push({ op: 'summary', battery: 55 });
  return ops;
}

describe('compilePolicy', () => {
  it('resolves features, classes and enum values', () => {
    const p = compilePolicy(def, ctx);
    expect(p.baselineFeatures).toEqual([0, 1, 2]);
    expect(p.abnormalClasses).toEqual([1, 3]);
    expect(p.slots.find((s) => s.field === 'state')!.classToEnum).toEqual([3, 2, 1, 0]);
    expect(windowsPerPeriod(p)).toBe(352);
  });

  it.each([
    [
      'a payload field without aggregate',
      { ...def, fields: { ...def.fields, battery: undefined as never } },
      "field 'policy_test.battery'",
    ],
    [
      'an unknown feature',
      { ...def, fields: { ...def.fields, rms: { of: 'feature', feature: 'nope', reduce: 'mean' } } },
      "no feature 'nope'",
    ],
    [
      'minutes on a scalar',
      { ...def, fields: { ...def.fields, windows: { of: 'classMinutes' } } },
      'uint array of 4',
    ],
    [
      'an unknown alert class',
      { ...def, alert: { abnormalClasses: ['cracked'], consecutive: 2 } },
      "unknown class 'cracked'",
    ],
    ['anomalyMax without baseline', { ...def, baseline: undefined }, 'anomalyMax needs a baseline'],
    [
      'an aggregate for a missing field',
      { ...def, fields: { ...def.fields, extra: { of: 'windows' } } },
      'no such field',
    ],
  ] as [string, UplinkPolicyDef, string][])('rejects %s', (_name, bad, message) => {
    expect(() => compilePolicy(bad, ctx)).toThrow(message);
  });

  it('rejects a class that is not an enum value', () => {
    expect(() => compilePolicy(def, { ...ctx, classes: ['normal', 'inner', 'ball', 'cage'] })).toThrow(
      /class 'cage' is not a value/,
    );
  });
});

describe('roundToInteger', () => {
  it('rounds half up in float32 and clamps to the C field range', () => {
    expect([2.5, 2.49, -2.5, -2.51].map((v) => roundToInteger(v, true))).toEqual([3, 2, -2, -3]);
    expect(roundToInteger(-3, false)).toBe(0);
    expect(roundToInteger(Number.NaN, false)).toBe(0);
    expect(roundToInteger(1e12, false)).toBe(4294967040);
    expect(roundToInteger(-Infinity, true)).toBe(-2147483648);
  });
});

describe('PolicyRunner', () => {
  it('aggregates a period as specified', () => {
    const p = compilePolicy(def, ctx);
    const r = new PolicyRunner(p);
    const w = (classIndex: number, rms: number, quality = 1, rate = 12): void => {
      r.push({
        classIndex,
        confidence: 0.75,
        features: Float32Array.from([rms, rms * 4, rms * 6, quality, rate]),
      });
    };
    for (let i = 0; i < 20; i++) w(0, 0.5 + (i % 2) * 0.01);
    w(2, 0.5, 0.2, 40);
    w(2, 0.5);
    const v = r.summary(80) as Record<string, any>;
    expect(v['windows']).toBe(22);
    expect(v['state']).toBe('normal');
    expect(v['minutes']).toEqual([Math.round((20 * 2048) / 12000 / 60), 0, 0, 0]);
    expect(v['rate']).toBeCloseTo(12, 5);
    expect(v['alert']).toBe(false);
    expect(v['anomaly']).toBeGreaterThan(0);
    expect(v['battery']).toBe(80);
  });

  it('raises an alert once per episode after `consecutive` abnormal windows', () => {
    const p = compilePolicy(
      { ...def, baseline: undefined, fields: { ...def.fields, anomaly: { of: 'windows' } } },
      ctx,
    );
    const r = new PolicyRunner(p);
    const push = (k: number): boolean =>
      r.push({ classIndex: k, confidence: 1, features: new Float32Array(5) }).alertNow;
    expect([push(1), push(3), push(1), push(1), push(0), push(1), push(1), push(1)]).toEqual([
      false,
      false,
      true,
      false,
      false,
      false,
      false,
      true,
    ]);
    r.newPeriod();
    push(1);
    expect((r.summary(1) as Record<string, unknown>)['alert']).toBe(true);
  });
});

describe('PolicyRunner and sensor faults', () => {
  const p = compilePolicy(def, ctx);
  const sound = (
    k: number,
    rms = 0.5,
  ): { classIndex: number; confidence: number; features: Float32Array } => ({
    classIndex: k,
    confidence: 1,
    features: Float32Array.from([rms, rms * 4, rms * 6, 1, 12]),
  });
  const faulty = (
    k: number,
  ): { classIndex: number; confidence: number; features: Float32Array; sensorFault: number } => ({
    ...sound(k, Number.NaN),
    sensorFault: 1,
  });

  it('counts a faulty window and nothing else: no class, no feature, no alert', () => {
    const r = new PolicyRunner(
      compilePolicy(
        { ...def, baseline: undefined, fields: { ...def.fields, anomaly: { of: 'windows' } } },
        ctx,
      ),
    );
    expect(
      [r.push(sound(1)), r.push(sound(1)), r.push(faulty(3)), r.push(sound(1))].map((x) => x.alertNow),
    ).toEqual([false, false, false, false]);
    for (let i = 0; i < 5; i++) expect(r.push(faulty(3)).alertNow).toBe(false);
    const v = r.summary(50) as Record<string, unknown>;
    expect(v).toMatchObject({ windows: 3, faulty: 6, sensor_fault: true, alert: false, state: 'inner' });
    expect(v['rms']).toBeCloseTo(0.5, 5);
    r.newPeriod();
    expect(r.summary(50)).toMatchObject({ faulty: 0, sensor_fault: false });
  });

  it('learns no baseline from faulty windows and scores them 0', () => {
    const r = new PolicyRunner(p);
    const clean = new PolicyRunner(p);
    for (let i = 0; i < 40; i++) {
      const w = sound(0, 0.5 + (i % 3) * 0.01);
      r.push(w);
      clean.push(w);
      if (i % 4 === 0)
        expect(r.push({ ...faulty(0), features: Float32Array.from([1e6, 1e6, 1e6, 1, 12]) }).anomaly).toBe(0);
    }
    const probe = sound(0, 0.53);
    expect(r.push(probe).anomaly).toBe(clean.push(probe).anomaly);
  });
});

describe('generated C', () => {
  it('agrees with the TS reference byte for byte (host gcc, ASan/UBSan)', () => {
    const p = compilePolicy(def, ctx);
    const exe = buildHostPolicy(p);
    for (const seed of [1, 2, 3]) {
      const ops = randomOps(seed, 4000);
      const expected = referenceLines(p, ops);
      expect(runHostPolicy(exe, p, ops)).toEqual(expected);
      const summaries = expected.filter((l) => l.startsWith('S '));
      expect(summaries.length).toBeGreaterThan(50);
      for (const s of summaries)
        expect(decode(payload, Buffer.from(s.slice(2), 'hex'), 9).errors).toEqual([]);
    }
  });
});

describe('class rule', () => {
  const rulePayload = definePayload({
    name: 'policy_rule_test',
    fPort: 10,
    version: 1,
    fields: {
      state: t.enum(['normal', 'inner', 'ball', 'outer', 'unknown']),
      minutes: t.array(t.uint(6, { saturate: true }), 4),
      rejected: t.uint(8, { saturate: true }),
      windows: t.uint(10, { saturate: true }),
      confidence: t.unorm(7, { saturate: true }),
      state_conf: t.unorm(5),
      rate: t.fixed(7, { scale: 0.5, saturate: true }),
      alert: t.bool(),
    },
  });
  const ruleDef: UplinkPolicyDef = {
    periodS: 60,
    fields: {
      state: { of: 'dominantClass', none: 'unknown' },
      minutes: { of: 'classMinutes' },
      rejected: { of: 'rejectedWindows' },
      windows: { of: 'windows' },
      confidence: { of: 'meanConfidence' },
      state_conf: { of: 'dominantConfidence' },
      rate: { of: 'feature', feature: 'rate', reduce: 'mean' },
      alert: { of: 'alert' },
    },
    alert: { abnormalClasses: ['inner', 'outer'], consecutive: 3 },
    classRule: {
      feature: 'rate',
      below: { value: 12, class: 'inner' },
      above: { value: 18, class: 'outer' },
      otherwise: 'normal',
      quality: { feature: 'quality', min: 0.3 },
    },
  };
  const ruleCtx = { ...ctx, payload: rulePayload };
  const window = (rate: number, quality = 1, classIndex = 2) => ({
    classIndex,
    confidence: 0.5,
    features: Float32Array.from([1, 1, 1, quality, rate]),
  });

  it('classes windows by the feature, ignoring the model, and counts the rejected ones', () => {
    const r = new PolicyRunner(compilePolicy(ruleDef, ruleCtx));
    expect((r.summary(1) as Record<string, unknown>)['state']).toBe('unknown');
    [11.9, 12, 18, 18.1, 19, 15, 15].forEach((rate) => r.push(window(rate)));
    r.push(window(30, 0.1));
    r.push(window(Number.NaN));
    const v = r.summary(1) as Record<string, unknown>;
    expect(v['state']).toBe('normal');
    expect(v['rejected']).toBe(2);
    expect(v['windows']).toBe(9);
    r.newPeriod();
    r.push(window(10, 0.2));
    expect((r.summary(1) as Record<string, unknown>)['state']).toBe('unknown');
  });

  it('lets rejected windows neither extend nor break a run of abnormal windows', () => {
    const r = new PolicyRunner(compilePolicy(ruleDef, ruleCtx));
    const alerts = [10, 10, 30, 10, 15, 10].map((rate, i) => r.push(window(rate, i === 2 ? 0 : 1)).alertNow);
    expect(alerts).toEqual([false, false, false, true, false, false]);
  });

  it.each([
    [
      'an unknown class',
      { ...ruleDef, classRule: { ...ruleDef.classRule!, otherwise: 'cage' } },
      "unknown class 'cage'",
    ],
    [
      'an unknown feature',
      { ...ruleDef, classRule: { ...ruleDef.classRule!, feature: 'nope' } },
      "no feature 'nope'",
    ],
    [
      'bounds in the wrong order',
      { ...ruleDef, classRule: { ...ruleDef.classRule!, above: { value: 5, class: 'outer' } } },
      'below.value ≤ above.value',
    ],
    [
      'rejectedWindows without a rule',
      { ...ruleDef, classRule: undefined },
      'rejectedWindows needs a class rule',
    ],
    [
      'a none value outside the enum',
      { ...ruleDef, fields: { ...ruleDef.fields, state: { of: 'dominantClass', none: 'idle' } } },
      "'idle' is not a value",
    ],
  ] as [string, UplinkPolicyDef, string][])('rejects %s', (_name, bad, message) => {
    expect(() => compilePolicy(bad, ruleCtx)).toThrow(message);
  });

  it('generated C agrees with the TS reference byte for byte (host gcc, ASan/UBSan)', () => {
    const p = compilePolicy(ruleDef, ruleCtx);
    const exe = buildHostPolicy(p);
    const ops = randomOps(4, 4000);
    const expected = referenceLines(p, ops);
    expect(runHostPolicy(exe, p, ops)).toEqual(expected);
    const summaries = expected
      .filter((l) => l.startsWith('S '))
      .map((l) => decode(rulePayload, Buffer.from(l.slice(2), 'hex'), 10));
    expect(summaries.every((s) => s.errors.length === 0)).toBe(true);
    expect(new Set(summaries.map((s) => s.data?.state))).toEqual(
      new Set(['normal', 'inner', 'outer', 'unknown']),
    );
    expect(summaries.some((s) => (s.data?.rejected ?? 0) > 0)).toBe(true);
  });
});
