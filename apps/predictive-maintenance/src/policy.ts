/**
 * Uplink policy of the bearing monitor: every hour, the most frequent machine state and its mean
 * confidence, the largest anomaly score, the mean vibration RMS (x_std, about the mean), the largest
 * peak and the mean kurtosis.
 * The anomaly score comes from a baseline the device learns on site: the first 1,000 windows after
 * installation (about 3 minutes of running machine) give running means and variances of the vibration
 * statistics, band energies and envelope defect energies; after that each window's score is the RMS of
 * its z-scores, so a machine the classifier never saw still reports "something changed". Three fault or
 * anomalous (score > 6) windows in a row raise an alert and send an uplink at once. A downlink can
 * restart the commissioning. Windows the sensor check finds faulty are not classified, raise no alert and
 * teach the baseline nothing; the uplink flags them.
 */
import type { UplinkPolicyDef } from '@murmur/policy';

export const uplinkPolicy: UplinkPolicyDef = {
  periodS: 60 * 60,
  fields: {
    state: { of: 'dominantClass', none: 'unknown' },
    confidence: { of: 'dominantConfidence' },
    anomaly_score: { of: 'anomalyMax' },
    rms_g: { of: 'feature', feature: 'x_std', reduce: 'mean' },
    peak_g: { of: 'feature', feature: 'x_peak', reduce: 'max' },
    kurtosis: { of: 'feature', feature: 'x_kurtosis', reduce: 'mean' },
    windows: { of: 'windows' },
    alert: { of: 'alert' },
    sensor_fault: { of: 'sensorFaults' },
    battery_pct: { of: 'battery' },
  },
  alert: { abnormalClasses: ['inner_race', 'ball', 'outer_race'], anomalyAbove: 6, consecutive: 3 },
  baseline: {
    features: [
      'x_std',
      'x_kurtosis',
      'x_peak',
      'band_100_250hz',
      'band_250_600hz',
      'band_600_1400hz',
      'band_1400_2500hz',
      'band_2500_3800hz',
      'band_3800_5600hz',
      'envelope_bpfo',
      'envelope_bpfi',
      'envelope_bsf',
    ],
    commissioningWindows: 1000,
  },
};
