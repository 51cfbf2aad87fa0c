/**
 * Uplink of the bearing-monitoring template: the fault class and its confidence (`unknown` when no window
 * of the period was classified), the largest anomaly score of the period, vibration statistics, whether the
 * sensor check found a faulty window, and the battery, in 9 bytes on fPort 10. The downlink (fPort 11)
 * restarts commissioning of the on-site baseline and/or sets the uplink period.
 */
import { definePayload, t, type Infer, type InferDownlink } from '@murmur/payload';

export const MACHINE_STATES = ['normal', 'inner_race', 'ball', 'outer_race'] as const;

/** The state field's values: the machine states, and `unknown` for a period without a classified window. */
export const STATE_VALUES = [...MACHINE_STATES, 'unknown'] as const;

export const payloadSchema = definePayload(
  {
    name: 'predictive_maintenance',
    description: 'Bearing condition over one uplink period',
    fPort: 10,
    version: 2,
    fields: {
      state: t.enum(STATE_VALUES, { description: 'most frequent machine state in the period' }),
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
      sensor_fault: t.bool({
        description: 'the accelerometer gave non-finite, clipped or stuck samples in a window of the period',
      }),
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
      sensor_fault: false,
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
      sensor_fault: false,
      battery_pct: 64,
    },
  },
  {
    description: 'Accelerometer disconnected the whole period',
    value: {
      state: 'unknown',
      confidence: 0,
      anomaly_score: 0,
      rms_g: 0,
      peak_g: 0,
      kurtosis: 0,
      windows: 0,
      alert: false,
      sensor_fault: true,
      battery_pct: 91,
    },
  },
];

export const downlinkExamples: { description: string; value: PredictiveMaintenanceDownlink }[] = [
  { description: 'Restart baseline commissioning', value: { restart_baseline: true, uplink_period_min: 0 } },
  { description: 'Uplink every 30 minutes', value: { restart_baseline: false, uplink_period_min: 30 } },
];
