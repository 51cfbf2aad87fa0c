/**
 * Test fixture: a schema and vectors shaped like the ppg-triage uplink, kept here so that this package's tests
 * do not depend on app code.
 */
import { definePayload, t, type Infer } from '@murmur/payload';

export const ppg = definePayload({
  name: 'ppg_triage',
  fPort: 14,
  version: 1,
  fields: {
    breathing: t.enum(['slow', 'normal', 'fast'] as const),
    rr_bpm: t.fixed(7, { scale: 0.5, unit: '1/min', saturate: true }),
    hr_bpm: t.uint(8, { unit: 'beat/min', saturate: true }),
    confidence: t.unorm(7, { saturate: true }),
    signal_quality: t.unorm(4, { saturate: true }),
    alert: t.bool(),
    battery_pct: t.uint(7, { max: 100, unit: '%EL', saturate: true }),
  },
});

export const ppgExamples: { value: Infer<typeof ppg> }[] = [
  {
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
