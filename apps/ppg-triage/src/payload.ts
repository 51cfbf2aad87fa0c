/**
 * Uplink of the PPG breathing-triage template: breathing class of the period (slow < 12, normal 12-20,
 * fast > 20 breaths/min, or unknown when the estimator rejected every window), respiratory and heart rate,
 * the number of windows rejected as low quality, signal quality, alert, whether the sensor check found a
 * faulty window, and battery, in 5 bytes on fPort 14.
 */
import { definePayload, t, type Infer } from '@murmur/payload';

export const BREATHING_CLASSES = ['slow', 'normal', 'fast'] as const;

/** The breathing field's values: the classes, and `unknown` for a period without a trusted window. */
export const BREATHING_VALUES = [...BREATHING_CLASSES, 'unknown'] as const;

export const payloadSchema = definePayload({
  name: 'ppg_triage',
  description: 'Breathing triage from a PPG window',
  fPort: 14,
  version: 3,
  fields: {
    breathing: t.enum(BREATHING_VALUES, {
      description:
        'most frequent class of the trusted windows: slow < 12, normal 12-20, fast > 20 breaths/min',
    }),
    rr_bpm: t.fixed(7, {
      scale: 0.5,
      unit: '1/min',
      saturate: true,
      description: 'respiratory rate, breaths/min',
    }),
    hr_bpm: t.uint(8, { unit: 'beat/min', saturate: true, description: 'heart rate, beats/min' }),
    rejected: t.uint(6, {
      saturate: true,
      description: 'windows of the period rejected as low quality (28 windows per 15 min)',
    }),
    signal_quality: t.unorm(4, { saturate: true, description: 'PPG signal quality' }),
    alert: t.bool({ description: 'breathing outside the normal range' }),
    sensor_fault: t.bool({
      description: 'the PPG gave non-finite, clipped or stuck samples in a window of the period',
    }),
    battery_pct: t.uint(7, { max: 100, unit: '%EL', saturate: true, description: 'remaining battery' }),
  },
});

export type PpgTriageUplink = Infer<typeof payloadSchema>;

/** Test vectors (also the TTN device-repository examples). */
export const payloadExamples: { description: string; value: PpgTriageUplink }[] = [
  {
    description: 'Normal breathing',
    value: {
      breathing: 'normal',
      rr_bpm: 15.5,
      hr_bpm: 72,
      rejected: 2,
      signal_quality: 0.8666666666666667,
      alert: false,
      sensor_fault: false,
      battery_pct: 90,
    },
  },
  {
    description: 'Fast breathing alert',
    value: {
      breathing: 'fast',
      rr_bpm: 26,
      hr_bpm: 118,
      rejected: 9,
      signal_quality: 0.6,
      alert: true,
      sensor_fault: false,
      battery_pct: 35,
    },
  },
  {
    description: 'Every window rejected (sensor off or moving)',
    value: {
      breathing: 'unknown',
      rr_bpm: 0,
      hr_bpm: 64,
      rejected: 56,
      signal_quality: 0,
      alert: false,
      sensor_fault: false,
      battery_pct: 80,
    },
  },
  {
    description: 'PPG sensor stuck the whole period',
    value: {
      breathing: 'unknown',
      rr_bpm: 0,
      hr_bpm: 0,
      rejected: 0,
      signal_quality: 0,
      alert: false,
      sensor_fault: true,
      battery_pct: 62,
    },
  },
];
