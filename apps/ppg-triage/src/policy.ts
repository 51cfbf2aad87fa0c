/**
 * Uplink policy of the breathing triage. Each window's breathing class comes from the estimated
 * respiratory rate (rr_rate) by the class bounds themselves — slow below 12, fast above 20 breaths/min —
 * when the estimator trusts the window (rr_quality at or above RR_QUALITY_THRESHOLD); a window it does not
 * trust has no class and is counted as rejected. Every 15 minutes: the most frequent class of the trusted
 * windows (`unknown` when there is none), their mean respiratory rate, the mean heart rate, the number of
 * rejected windows, signal quality, alert and battery. Two abnormal (slow or fast) trusted windows in a
 * row — about a minute of 32 s windows; rejected windows in between neither count nor break the run —
 * raise an alert and send an uplink at once.
 */
import type { UplinkPolicyDef } from '@murmur/policy';
import { RR_QUALITY_THRESHOLD } from './features';

const trusted = { feature: 'rr_quality', min: RR_QUALITY_THRESHOLD };

export const uplinkPolicy: UplinkPolicyDef = {
  periodS: 15 * 60,
  fields: {
    breathing: { of: 'dominantClass', none: 'unknown' },
    rr_bpm: { of: 'feature', feature: 'rr_rate', reduce: 'mean', quality: trusted },
    hr_bpm: { of: 'feature', feature: 'hr_rate', reduce: 'mean' },
    rejected: { of: 'rejectedWindows' },
    signal_quality: { of: 'feature', feature: 'rr_quality', reduce: 'mean' },
    alert: { of: 'alert' },
    sensor_fault: { of: 'sensorFaults' },
    battery_pct: { of: 'battery' },
  },
  alert: { abnormalClasses: ['slow', 'fast'], consecutive: 2 },
  classRule: {
    feature: 'rr_rate',
    below: { value: 12, class: 'slow' },
    above: { value: 20, class: 'fast' },
    otherwise: 'normal',
    quality: trusted,
  },
};
