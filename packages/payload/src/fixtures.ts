/**
 * Test fixtures: schemas and vectors shaped like the three app payloads, copied here so that this package's
 * tests (and those of packages built on it, through `@murmur/payload/fixtures`) do not depend on the apps,
 * which depend on this package. The apps test their own schemas.
 */
import { definePayload, t, type Infer, type InferDownlink } from './schema';

const MACHINE_STATES = ['normal', 'inner_race', 'ball', 'outer_race'] as const;

export const pdm = definePayload(
  {
    name: 'predictive_maintenance',
    description: 'Bearing condition over one uplink period',
    fPort: 10,
    version: 1,
    fields: {
      state: t.enum(MACHINE_STATES, { description: 'most frequent machine state in the period' }),
      confidence: t.unorm(7, { saturate: true, description: 'mean classifier confidence for that state' }),
      anomaly_score: t.fixed(8, {
        scale: 0.1,
        saturate: true,
        description: 'largest anomaly score in the period',
      }),
      rms_g: t.fixed(10, {
        scale: 0.01,
        unit: 'g',
        saturate: true,
        description: 'vibration RMS (standard gravity)',
      }),
      peak_g: t.fixed(10, {
        scale: 0.05,
        unit: 'g',
        saturate: true,
        description: 'vibration peak (standard gravity)',
      }),
      kurtosis: t.fixed(8, { scale: 0.1, saturate: true, description: 'kurtosis of the vibration signal' }),
      windows: t.uint(10, { saturate: true, description: 'windows analysed in the period' }),
      alert: t.bool({ description: 'a fault or anomaly alert was raised' }),
      battery_pct: t.uint(7, { max: 100, unit: '%EL', saturate: true, description: 'remaining battery' }),
    },
  },
  {
    name: 'predictive_maintenance_config',
    description: 'Device configuration',
    fPort: 11,
    version: 1,
    fields: {
      restart_baseline: t.bool({ description: 'forget the learned baseline and commission it again' }),
      uplink_period_min: t.uint(12, {
        unit: 'min',
        description: 'uplink period in minutes; 0 keeps the current one',
      }),
    },
  },
);

type PredictiveMaintenanceUplink = Infer<typeof pdm>;
type PredictiveMaintenanceDownlink = InferDownlink<typeof pdm>;

export const pdmExamples: { description: string; value: PredictiveMaintenanceUplink }[] = [
  {
    description: 'Healthy machine',
    value: {
      state: 'normal',
      confidence: 1,
      anomaly_score: 0.4,
      rms_g: 0.12,
      peak_g: 0.55,
      kurtosis: 3.1,
      windows: 900,
      alert: false,
      battery_pct: 97,
    },
  },
  {
    description: 'Outer-race fault with alert',
    value: {
      state: 'outer_race',
      confidence: 0.7007874015748031,
      anomaly_score: 12.7,
      rms_g: 2.35,
      peak_g: 14.8,
      kurtosis: 9.6,
      windows: 900,
      alert: true,
      battery_pct: 64,
    },
  },
];

export const pdmDownlinkExamples: { description: string; value: PredictiveMaintenanceDownlink }[] = [
  { description: 'Restart baseline commissioning', value: { restart_baseline: true, uplink_period_min: 0 } },
  { description: 'Uplink every 30 minutes', value: { restart_baseline: false, uplink_period_min: 30 } },
];

const ACTIVITIES = ['walking', 'jogging', 'stairs', 'sitting', 'standing', 'kicking'] as const;

export const wear = definePayload({
  name: 'wearable_activity',
  description: 'Activity summary over a 15-minute period',
  fPort: 12,
  version: 1,
  fields: {
    minutes: t.array(t.uint(4, { max: 15, unit: 'min', saturate: true }), ACTIVITIES.length, {
      description: `minutes per activity: ${ACTIVITIES.join(', ')}`,
    }),
    dominant: t.enum(ACTIVITIES, { description: 'activity with the most minutes' }),
    confidence: t.unorm(7, { saturate: true, description: 'mean classifier confidence' }),
    battery_pct: t.uint(7, { max: 100, unit: '%EL', saturate: true, description: 'remaining battery' }),
  },
});

type WearableActivityUplink = Infer<typeof wear>;

export const wearExamples: { description: string; value: WearableActivityUplink }[] = [
  {
    description: 'Mostly walking',
    value: {
      minutes: [9, 0, 2, 0, 4, 0],
      dominant: 'walking',
      confidence: 0.8976377952755905,
      battery_pct: 88,
    },
  },
  {
    description: 'Sitting the whole period',
    value: { minutes: [0, 0, 0, 15, 0, 0], dominant: 'sitting', confidence: 1, battery_pct: 41 },
  },
];

const BREATHING_CLASSES = ['slow', 'normal', 'fast'] as const;

export const ppg = definePayload({
  name: 'ppg_triage',
  description: 'Breathing triage from a PPG window',
  fPort: 14,
  version: 1,
  fields: {
    breathing: t.enum(BREATHING_CLASSES, { description: 'slow < 12, normal 12-20, fast > 20 breaths/min' }),
    rr_bpm: t.fixed(7, {
      scale: 0.5,
      unit: '1/min',
      saturate: true,
      description: 'respiratory rate, breaths/min',
    }),
    hr_bpm: t.uint(8, { unit: 'beat/min', saturate: true, description: 'heart rate, beats/min' }),
    confidence: t.unorm(7, { saturate: true, description: 'classifier confidence' }),
    signal_quality: t.unorm(4, { saturate: true, description: 'PPG signal quality' }),
    alert: t.bool({ description: 'breathing outside the normal range' }),
    battery_pct: t.uint(7, { max: 100, unit: '%EL', saturate: true, description: 'remaining battery' }),
  },
});

type PpgTriageUplink = Infer<typeof ppg>;

export const ppgExamples: { description: string; value: PpgTriageUplink }[] = [
  {
    description: 'Normal breathing',
    value: {
      breathing: 'normal',
      rr_bpm: 15.5,
      hr_bpm: 72,
      confidence: 0.952755905511811,
      signal_quality: 0.8666666666666667,
      alert: false,
      battery_pct: 90,
    },
  },
  {
    description: 'Fast breathing alert',
    value: {
      breathing: 'fast',
      rr_bpm: 26,
      hr_bpm: 118,
      confidence: 0.8031496062992126,
      signal_quality: 0.6,
      alert: true,
      battery_pct: 35,
    },
  },
];
