/**
 * The TS reference of an uplink policy. Every float operation is rounded to float32 in the order the
 * generated C performs it (compiled with -ffp-contract=off), so both produce the same payload bytes.
 * Counters are 16-bit and saturate, as on the device.
 */
import type { CompiledClassRule, CompiledPolicy, PolicySlot } from './policy';
import { BASELINE_VARIANCE_FLOOR } from './policy';

const f = Math.fround;
const U16_MAX = 0xffff;

/** What the device knows about one analysed window. */
export interface WindowOutcome {
  /** Index of the predicted class (argmax of the model output). */
  classIndex: number;
  /** Confidence in 0..1 as a float32 (e.g. (q + 128) / 256 of the int8 softmax output). */
  confidence: number;
  /** The window's feature vector (float32). */
  features: Float32Array;
  /**
   * The sensor check's fault bits of the window (@murmur/dsp `SENSOR_FAULT`); a faulty window is counted
   * and nothing else: no class, no confidence, no feature, no anomaly score, no baseline update, and it
   * breaks a run of abnormal windows. Default 0.
   */
  sensorFault?: number;
}

export interface PushResult {
  /** Anomaly score of this window (0 while the baseline is being learned, or without a baseline). */
  anomaly: number;
  /** True on the window that raises an alert: the device sends an uplink now. */
  alertNow: boolean;
}

interface SlotState {
  acc: number;
  n: number;
}

/**
 * A float aggregate written to an integer payload field: floor(v + 0.5) in float32, clamped to the
 * 32-bit range of the C field (NaN gives 0), so the C conversion is always defined.
 */
export function roundToInteger(v: number, signed: boolean): number {
  const r = Math.floor(f(f(v) + 0.5));
  if (!(r >= (signed ? -2147483648 : 0))) return signed && r < 0 ? -2147483648 : 0;
  const max = signed ? 2147483520 : 4294967040;
  return r > max ? max : r;
}

export class PolicyRunner {
  readonly policy: CompiledPolicy;
  private counts: Uint16Array;
  private confSum = 0;
  private classConf: Float32Array;
  private windows = 0;
  private rejected = 0;
  private faulty = 0;
  private slotState: SlotState[];
  private anomalyMax = 0;
  private alert = false;
  private consecutive = 0;
  private baseN = 0;
  private baseMean: Float32Array;
  private baseM2: Float32Array;

  constructor(policy: CompiledPolicy) {
    this.policy = policy;
    this.counts = new Uint16Array(policy.classes.length);
    this.classConf = new Float32Array(policy.classes.length);
    this.slotState = policy.slots.map(() => ({ acc: 0, n: 0 }));
    this.baseMean = new Float32Array(policy.baselineFeatures.length);
    this.baseM2 = new Float32Array(policy.baselineFeatures.length);
  }

  /** Starts a new uplink period (the baseline is kept). */
  newPeriod(): void {
    this.counts.fill(0);
    this.classConf.fill(0);
    this.confSum = 0;
    this.windows = 0;
    this.rejected = 0;
    this.faulty = 0;
    for (const s of this.slotState) {
      s.acc = 0;
      s.n = 0;
    }
    this.anomalyMax = 0;
    this.alert = false;
  }

  /** Forgets the learned baseline and commissions it again (e.g. on a downlink request). */
  restartBaseline(): void {
    this.baseN = 0;
    this.baseMean.fill(0);
    this.baseM2.fill(0);
  }

  push(o: WindowOutcome): PushResult {
    const p = this.policy;
    if (o.sensorFault) {
      if (this.faulty < U16_MAX) this.faulty++;
      this.consecutive = 0;
      return { anomaly: 0, alertNow: false };
    }
    let k = o.classIndex;
    if (!(Number.isInteger(k) && k >= 0 && k < p.classes.length)) return { anomaly: 0, alertNow: false };
    const ruled = p.classRule ? ruleClass(p.classRule, o.features) : k;
    const rejected = ruled === null;
    if (ruled !== null) k = ruled;
    if (rejected) {
      if (this.rejected < U16_MAX) this.rejected++;
    } else if (this.counts[k]! < U16_MAX) this.counts[k]!++;
    if (this.windows < U16_MAX) this.windows++;
    this.confSum = f(this.confSum + f(o.confidence));
    if (!rejected) this.classConf[k] = f(this.classConf[k]! + f(o.confidence));
    p.slots.forEach((slot, i) => this.accumulate(slot, this.slotState[i]!, o.features));
    const anomaly = this.anomaly(o.features);
    if (anomaly > this.anomalyMax) this.anomalyMax = anomaly;
    let alertNow = false;
    const rule = p.def.alert;
    if (rule) {
      const abnormal =
        (!rejected && p.abnormalClasses.includes(k)) ||
        (rule.anomalyAbove !== undefined && anomaly > f(rule.anomalyAbove));
      if (abnormal || !rejected) {
        this.consecutive = abnormal ? Math.min(this.consecutive + 1, U16_MAX) : 0;
        if (this.consecutive === rule.consecutive) {
          alertNow = true;
          this.alert = true;
        } else if (this.consecutive > rule.consecutive) {
          this.alert = true;
        }
      }
    }
    return { anomaly, alertNow };
  }

  private accumulate(slot: PolicySlot, s: SlotState, x: Float32Array): void {
    const a = slot.aggregate;
    if (a.of !== 'feature') return;
    if (slot.quality && !(x[slot.quality.feature]! >= slot.quality.min)) return;
    const v = x[slot.feature!]!;
    if (!Number.isFinite(v)) return;
    if (s.n === 0) s.acc = v;
    else if (a.reduce === 'mean') s.acc = f(s.acc + v);
    else if (a.reduce === 'max') s.acc = v > s.acc ? v : s.acc;
    else if (a.reduce === 'min') s.acc = v < s.acc ? v : s.acc;
    else s.acc = v;
    if (s.n < U16_MAX) s.n++;
  }

  private anomaly(x: Float32Array): number {
    const b = this.policy.def.baseline;
    if (!b) return 0;
    const idx = this.policy.baselineFeatures;
    if (this.baseN < b.commissioningWindows) {
      this.baseN++;
      const n = f(this.baseN);
      for (let i = 0; i < idx.length; i++) {
        const v = x[idx[i]!]!;
        const delta = f(v - this.baseMean[i]!);
        this.baseMean[i] = f(this.baseMean[i]! + f(delta / n));
        const delta2 = f(v - this.baseMean[i]!);
        this.baseM2[i] = f(this.baseM2[i]! + f(delta * delta2));
      }
      return 0;
    }
    const denom = f(this.baseN - 1);
    const floor = f(BASELINE_VARIANCE_FLOOR);
    let acc = 0;
    for (let i = 0; i < idx.length; i++) {
      let variance = f(this.baseM2[i]! / denom);
      if (!(variance > floor)) variance = floor;
      const d = f(x[idx[i]!]! - this.baseMean[i]!);
      acc = f(acc + f(f(d * d) / variance));
    }
    return f(Math.sqrt(f(acc / f(idx.length))));
  }

  /** The class with the most windows (the first on ties). */
  private dominant(): number {
    let best = 0;
    for (let c = 1; c < this.counts.length; c++) if (this.counts[c]! > this.counts[best]!) best = c;
    return best;
  }

  /** The payload value of the period so far. */
  summary(batteryPct: number): Record<string, unknown> {
    const p = this.policy;
    const out: Record<string, unknown> = {};
    const mean = (sum: number, n: number): number => (n > 0 ? f(sum / f(n)) : 0);
    p.slots.forEach((slot, i) => {
      const a = slot.aggregate;
      const s = this.slotState[i]!;
      const integer = slot.type.kind === 'uint' || slot.type.kind === 'int';
      const value = (v: number): number => (integer ? roundToInteger(v, slot.type.kind === 'int') : v);
      switch (a.of) {
        case 'classMinutes': {
          const den = 120 * p.rateHz;
          out[slot.field] = Array.from(this.counts, (c) =>
            Math.floor((2 * c * p.hopSamples + 60 * p.rateHz) / den),
          );
          break;
        }
        case 'dominantClass': {
          const values = (slot.type as { values: readonly string[] }).values;
          const none = slot.noneEnum !== undefined && this.counts.every((c) => c === 0);
          out[slot.field] = values[none ? slot.noneEnum! : slot.classToEnum![this.dominant()]!];
          break;
        }
        case 'dominantConfidence': {
          const best = this.dominant();
          out[slot.field] = value(mean(this.classConf[best]!, this.counts[best]!));
          break;
        }
        case 'meanConfidence':
          out[slot.field] = value(mean(this.confSum, this.windows));
          break;
        case 'feature':
          out[slot.field] = value(a.reduce === 'mean' ? mean(s.acc, s.n) : s.n > 0 ? s.acc : 0);
          break;
        case 'anomalyMax':
          out[slot.field] = value(this.anomalyMax);
          break;
        case 'windows':
          out[slot.field] = this.windows;
          break;
        case 'rejectedWindows':
          out[slot.field] = this.rejected;
          break;
        case 'alert':
          out[slot.field] = this.alert;
          break;
        case 'battery':
          out[slot.field] = batteryPct;
          break;
        case 'sensorFaults':
          out[slot.field] = slot.type.kind === 'bool' ? this.faulty > 0 : this.faulty;
          break;
      }
    });
    return out;
  }
}

/** The class a policy's class rule gives a window's features, or null when the rule rejects the window. */
export function ruleClass(rule: CompiledClassRule, features: Float32Array): number | null {
  const v = features[rule.feature]!;
  if (!Number.isFinite(v)) return null;
  if (rule.quality && !(features[rule.quality.feature]! >= rule.quality.min)) return null;
  return v < rule.below ? rule.belowClass : v > rule.above ? rule.aboveClass : rule.otherwise;
}
