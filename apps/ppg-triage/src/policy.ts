/**
 * Uplink policy of the breathing triage: every 15 minutes, the most frequent breathing class, the mean
 * respiratory rate over the windows the estimator trusts (rr_quality at or above RR_QUALITY_THRESHOLD),
 * the mean heart rate, confidence and signal quality. Four abnormal (slow or fast) windows in a row — about
 * a minute of 32 s windows every 16 s — raise an alert and send an uplink at once.
 */
import type { UplinkPolicyDef } from '@murmur/policy';
import { RR_QUALITY_THRESHOLD } from './features';

export const uplinkPolicy: UplinkPolicyDef = {
  periodS: 15 * 60,
  fields: {
    breathing: { of: 'dominantClass' },
    rr_bpm: { of: 'feature', feature: 'rr_rate', reduce: 'mean', quality: { feature: 'rr_quality', min: RR_QUALITY_THRESHOLD } },
    hr_bpm: { of: 'feature', feature: 'hr_rate', reduce: 'mean' },
    confidence: { of: 'meanConfidence' },
    signal_quality: { of: 'feature', feature: 'rr_quality', reduce: 'mean' },
    alert: { of: 'alert' },
    battery_pct: { of: 'battery' },
  },
  alert: { abnormalClasses: ['slow', 'fast'], consecutive: 4 },
};
