/**
 * Uplink of the bearing-monitoring template: the fault class and its confidence, the largest anomaly score
 * of the period, vibration statistics and the battery, in 9 bytes on fPort 10. The downlink (fPort 11)
 * restarts commissioning of the on-site baseline and/or sets the uplink period.
 */
import { definePayload, t, type Infer, type InferDownlink } from '@murmur/payload';

export const MACHINE_STATES = ['normal', 'inner_race', 'ball', 'outer_race'] as const;

export const payloadSchema = definePayload(
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

export type PredictiveMaintenanceUplink = Infer<typeof payloadSchema>;
export type PredictiveMaintenanceDownlink = InferDownlink<typeof payloadSchema>;

/** Test vectors (also the TTN device-repository examples). */
export const payloadExamples: { description: string; value: PredictiveMaintenanceUplink }[] = [
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

export const downlinkExamples: { description: string; value: PredictiveMaintenanceDownlink }[] = [
  { description: 'Restart baseline commissioning', value: { restart_baseline: true, uplink_period_min: 0 } },
  { description: 'Uplink every 30 minutes', value: { restart_baseline: false, uplink_period_min: 30 } },
];
