/**
 * Uplink of the PPG breathing-triage template: breathing class (slow < 12, normal 12-20, fast > 20
 * breaths/min), respiratory and heart rate, confidence, signal quality, alert and battery, in 5 bytes on fPort 14.
 */
import { definePayload, t, type Infer } from '@murmur/payload';

export const BREATHING_CLASSES = ['slow', 'normal', 'fast'] as const;

export const payloadSchema = definePayload({
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

export type PpgTriageUplink = Infer<typeof payloadSchema>;

/** Test vectors (also the TTN device-repository examples). */
export const payloadExamples: { description: string; value: PpgTriageUplink }[] = [
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
