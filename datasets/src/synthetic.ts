import { createRng, type Rng } from '@murmur/core';
import { cwruBearingOrders } from './predictive-maintenance';
import { breathClass } from './ppg-triage';
import type { DatasetName, Recording } from './recording';
import { wisdmActivities, type WisdmActivity } from './wearable-activity';

/**
 * Seeded synthetic recordings, one generator per modality. They are shaped like the real datasets
 * (same channels, units, rates, labels and metadata keys) so that unit tests and the fallback of
 * `loadDataset(..., { allowSynthetic: true })` exercise the same code paths. They are not a
 * substitute for real data: every recording carries `meta.synthetic = true`.
 */

export type BearingCondition = 'normal' | 'inner_race' | 'ball' | 'outer_race';

export interface BearingOptions {
  condition: BearingCondition;
  seed: number | string;
  seconds?: number;
  rateHz?: number;
  /** Shaft speed in rpm (default 1797, CWRU at 0 HP). */
  rpm?: number;
  /** Structural resonance excited by each defect impact (Hz). */
  resonanceHz?: number;
  /** Peak acceleration of one impact (g). */
  impactG?: number;
  /** Standard deviation of the broadband noise (g). */
  noiseG?: number;
  id?: string;
  subject?: string;
}

/** Adds a decaying resonance burst starting at sample time `t0` (seconds, may be fractional). */
function addRingDown(
  out: Float32Array,
  rateHz: number,
  t0: number,
  amp: number,
  fHz: number,
  tauS: number,
): void {
  const first = Math.ceil(t0 * rateHz);
  const last = Math.min(out.length, first + Math.ceil(6 * tauS * rateHz));
  for (let i = Math.max(0, first); i < last; i++) {
    const t = i / rateHz - t0;
    out[i] = out[i]! + amp * Math.exp(-t / tauS) * Math.sin(2 * Math.PI * fHz * t);
  }
}

/**
 * Bearing vibration: shaft-rate imbalance, broadband noise and, for a defect, impacts at the defect
 * frequency (BPFO, BPFI or 2×BSF of the CWRU drive-end bearing) that ring down at a structural
 * resonance. Inner-race impacts are amplitude-modulated at shaft speed, ball impacts at cage speed
 * (FTF); impact spacing jitters by ~1 % (roller slip).
 */
export function synthBearing(opts: BearingOptions): Recording {
  const rng = createRng(opts.seed);
  const rateHz = opts.rateHz ?? 12000;
  const seconds = opts.seconds ?? 2;
  const rpm = opts.rpm ?? 1797;
  const resonanceHz = opts.resonanceHz ?? 3200;
  const impactG = opts.impactG ?? 0.6;
  const noiseG = opts.noiseG ?? 0.04;
  const fr = rpm / 60;
  const n = Math.round(seconds * rateHz);
  const out = new Float32Array(n);
  const phase = rng.next() * 2 * Math.PI;
  for (let i = 0; i < n; i++) {
    const t = i / rateHz;
    out[i] =
      0.02 * Math.sin(2 * Math.PI * fr * t + phase) +
      0.008 * Math.sin(4 * Math.PI * fr * t) +
      noiseG * rng.normal();
  }
  const orders = {
    outer_race: cwruBearingOrders.bpfo,
    inner_race: cwruBearingOrders.bpfi,
    ball: 2 * cwruBearingOrders.bsf,
  };
  if (opts.condition !== 'normal') {
    const defectHz = fr * orders[opts.condition];
    const modHz =
      opts.condition === 'inner_race' ? fr : opts.condition === 'ball' ? fr * cwruBearingOrders.ftf : 0;
    for (let t0 = rng.next() / defectHz; t0 < seconds; t0 += (1 + 0.01 * rng.normal()) / defectHz) {
      const mod = modHz ? 0.6 + 0.4 * Math.cos(2 * Math.PI * modHz * t0) : 1;
      addRingDown(out, rateHz, t0, impactG * mod * (0.8 + 0.4 * rng.next()), resonanceHz, 0.0012);
    }
  }
  return {
    id: opts.id ?? `synthetic_bearing_${opts.condition}`,
    subject: opts.subject ?? 'synthetic_bearing',
    label: opts.condition,
    rateHz,
    channels: [out],
    channelNames: ['accel'],
    units: ['g'],
    meta: { synthetic: true, machine: 'synthetic', motor_rpm: rpm, fs_hz: rateHz, derived: false },
  };
}

export interface ActivityOptions {
  activity: WisdmActivity;
  seed: number | string;
  seconds?: number;
  rateHz?: number;
  id?: string;
  subject?: string;
}

const G = 9.81;

/** Per-activity wrist motion: cadence (Hz), swing amplitude (m/s²) and mean wrist orientation. */
const activityShape: Record<WisdmActivity, { hz: number; amp: number; tilt: [number, number, number] }> = {
  walking: { hz: 1.8, amp: 3, tilt: [0.9, 0.3, 0.3] },
  jogging: { hz: 2.7, amp: 9, tilt: [0.7, 0.5, 0.5] },
  stairs: { hz: 1.5, amp: 2.5, tilt: [0.85, 0.35, 0.4] },
  sitting: { hz: 0, amp: 0.1, tilt: [0.1, 0.3, 0.95] },
  standing: { hz: 0, amp: 0.15, tilt: [0.95, 0.2, 0.2] },
  kicking: { hz: 0.4, amp: 6, tilt: [0.8, 0.4, 0.4] },
};

/**
 * Wrist accelerometer (m/s², gravity included) for one activity: gravity along a per-activity wrist
 * orientation (with a small per-seed tilt), periodic arm motion at the activity's cadence with a
 * harmonic, kicks as short bursts, and sensor noise.
 */
export function synthActivity(opts: ActivityOptions): Recording {
  const rng = createRng(opts.seed);
  const rateHz = opts.rateHz ?? 20;
  const n = Math.round((opts.seconds ?? 120) * rateHz);
  const shape = activityShape[opts.activity];
  const tilt = shape.tilt.map((v) => v + 0.1 * rng.normal());
  const norm = Math.hypot(...tilt);
  const gravity = tilt.map((v) => (G * v) / norm);
  const hz = shape.hz * (0.9 + 0.2 * rng.next());
  const phases = [0, 1, 2].map(() => rng.next() * 2 * Math.PI);
  const axisGain = [1, 0.6, 0.4];
  const channels = [0, 1, 2].map(() => new Float32Array(n));
  for (let i = 0; i < n; i++) {
    const t = i / rateHz;
    const cycle =
      opts.activity === 'kicking'
        ? Math.max(0, Math.sin(2 * Math.PI * hz * t)) ** 8
        : Math.sin(2 * Math.PI * hz * t);
    for (let c = 0; c < 3; c++) {
      const motion =
        shape.hz === 0
          ? 0
          : shape.amp *
            axisGain[c]! *
            (cycle * Math.cos(phases[c]!) + 0.3 * Math.sin(4 * Math.PI * hz * t + phases[c]!));
      channels[c]![i] = gravity[c]! + motion + shape.amp * 0.15 * rng.normal() + 0.05 * rng.normal();
    }
  }
  return {
    id: opts.id ?? `synthetic_${opts.activity}`,
    subject: opts.subject ?? 'synthetic_subject',
    label: opts.activity,
    rateHz,
    channels,
    channelNames: ['ax', 'ay', 'az'],
    units: ['m/s2', 'm/s2', 'm/s2'],
    meta: { synthetic: true, gravityIncluded: true },
  };
}

export interface PpgOptions {
  /** Breathing rate in breaths/min. */
  breathRateBpm: number;
  seed: number | string;
  heartRateBpm?: number;
  seconds?: number;
  rateHz?: number;
  id?: string;
  subject?: string;
}

/**
 * PPG with cardiac pulses (systolic peak plus dicrotic wave) under the three respiratory modulations:
 * amplitude (AM), baseline wander (BW) and frequency (respiratory sinus arrhythmia, FM); and a `resp`
 * channel that rises on inspiration. Breath times (the inspiration peaks) go out as events for two
 * annotators (the second with a few ms of disagreement), like the BIDMC annotations.
 */
export function synthPpg(opts: PpgOptions): Recording {
  const rng = createRng(opts.seed);
  const rateHz = opts.rateHz ?? 125;
  const seconds = opts.seconds ?? 480;
  const n = Math.round(seconds * rateHz) + 1;
  const fb = opts.breathRateBpm / 60;
  const hr = (opts.heartRateBpm ?? 75) / 60;
  const pleth = new Float32Array(n);
  const resp = new Float32Array(n);
  const breaths: number[] = [];
  // Breath phase with slow rate variability; a breath peak each time the phase passes 1/4 of a cycle.
  let breathPhase = rng.next();
  let cardiacPhase = rng.next();
  const drift = rng.next() * 2 * Math.PI;
  for (let i = 0; i < n; i++) {
    const t = i / rateHz;
    const b = Math.sin(2 * Math.PI * breathPhase);
    const beatPhase = cardiacPhase % 1;
    const pulse =
      Math.exp(-(((beatPhase - 0.2) / 0.07) ** 2)) + 0.35 * Math.exp(-(((beatPhase - 0.5) / 0.1) ** 2));
    pleth[i] =
      0.5 +
      0.08 * b +
      0.3 * (1 + 0.15 * b) * pulse +
      0.01 * Math.sin(0.05 * t + drift) +
      0.005 * rng.normal();
    resp[i] = 0.5 + 0.3 * b + 0.005 * rng.normal();
    const prev = breathPhase;
    breathPhase += (fb * (1 + 0.05 * Math.sin(0.07 * t + drift))) / rateHz;
    if (Math.floor(prev - 0.25) !== Math.floor(breathPhase - 0.25)) breaths.push(t);
    cardiacPhase += (hr * (1 + 0.04 * b)) / rateHz;
  }
  const ann2 = breaths.map((t) => Math.max(0, Math.round((t + 0.03 * rng.normal()) * rateHz) / rateHz));
  const ann1 = breaths.map((t) => Math.round(t * rateHz) / rateHz);
  const cls = breathClass(opts.breathRateBpm);
  return {
    id: opts.id ?? 'synthetic_ppg',
    subject: opts.subject ?? opts.id ?? 'synthetic_ppg',
    label: cls,
    rateHz,
    channels: [pleth, resp],
    channelNames: ['pleth', 'resp'],
    units: ['nu', 'nu'],
    events: [
      { name: 'breaths_ann1', timesS: ann1 },
      { name: 'breaths_ann2', timesS: ann2 },
    ],
    meta: {
      synthetic: true,
      ref_resp_rate_bpm: opts.breathRateBpm,
      ref_class: cls,
      monitor_resp_rate_median_bpm: null,
    },
  };
}

function syntheticPredictiveMaintenance(rng: Rng): Recording[] {
  const loads: [number, number][] = [
    [0, 1797],
    [2, 1750],
    [3, 1730],
  ];
  const conditions: BearingCondition[] = ['normal', 'inner_race', 'ball', 'outer_race'];
  return loads.flatMap(([load, rpm]) =>
    conditions.map((condition) => {
      const rec = synthBearing({
        condition,
        rpm,
        seconds: 2,
        seed: rng.uint32(),
        id: `synthetic_de12k_${load}hp_${condition}`,
        subject: `cwru_${load}hp`,
      });
      Object.assign(rec.meta, { load_hp: load, fault_diameter_in: condition === 'normal' ? 0 : 0.014 });
      return rec;
    }),
  );
}

function syntheticWearableActivity(rng: Rng): Recording[] {
  const subjects = Array.from({ length: 8 }, (_, i) => String(9000 + i));
  return subjects.flatMap((subject) =>
    wisdmActivities.map((activity) =>
      synthActivity({
        activity,
        subject,
        seed: rng.uint32(),
        seconds: 120,
        id: `wisdm_${subject}_${activity}`,
      }),
    ),
  );
}

function syntheticPpgTriage(rng: Rng): Recording[] {
  const rates = [8, 10, 13, 15, 16, 18, 24, 28];
  return rates.map((rate, i) =>
    synthPpg({
      breathRateBpm: rate,
      heartRateBpm: 60 + 40 * rng.next(),
      seed: rng.uint32(),
      id: `synthetic_bidmc_${String(i + 1).padStart(2, '0')}`,
    }),
  );
}

/** A small synthetic stand-in for a whole dataset (same shapes, labels and subject scheme), seeded. */
export function syntheticDataset(name: DatasetName, seed: number | string = 1): Recording[] {
  const rng = createRng(`${name}:${seed}`);
  if (name === 'predictive-maintenance') return syntheticPredictiveMaintenance(rng);
  if (name === 'wearable-activity') return syntheticWearableActivity(rng);
  return syntheticPpgTriage(rng);
}
