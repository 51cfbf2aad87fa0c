/**
 * PPG features for breathing-rate triage: 32 s windows at 125 Hz, one after the other. The band-pass
 * (0.5–5 Hz) runs on every sample as it arrives; the band-passed pulse and the raw PPG are kept at 25 Hz
 * (every fifth sample, plenty for a pulse below 5 Hz), so a window costs 2 × 800 floats instead of a
 * 4000-sample ring and its filtered copy, and the graph fits a 16 KB micro:bit. Pulses are detected on the
 * kept pulse with an adaptive threshold and a refractory period, giving the heart rate (median
 * inter-beat interval). The respiratory-induced intensity (RIIV), amplitude (RIAV) and frequency (RIFV)
 * variation series are resampled at 4 Hz, detrended, high-passed at 0.18 Hz (against slow drift that
 * would otherwise capture the spectral peak), Hann-windowed and zero-padded to 512 points; the
 * respiratory rate is each spectrum's peak in 0.1–0.7 Hz. RIIV is the primary estimate (the other two are
 * much noisier on these data); the quality index is RIIV's peak prominence times the agreement of the
 * three estimates.
 */
import { breathClassLabel } from '@murmur/datasets';
import type { AppFeatures, BlockStep, FeatureGraph, RespSeries } from '@murmur/dsp';

const RATE_HZ = 125;

/** Highpass cut-off of the respiratory series, chosen by leave-one-recording-out over {0.06 … 0.25} Hz. */
export const RESP_HIGHPASS_HZ = 0.18;

/**
 * Windows whose `rr_quality` is below this are low quality: the estimator rejects them (about the
 * lowest 10 % of the development windows, whose error is several times that of the rest).
 */
export const RR_QUALITY_THRESHOLD = 0.035;

function respiratoryRate(kind: RespSeries): BlockStep[] {
  return [
    { op: 'respSeries', in: ['beats'], out: `${kind}`, kind, rateHz: 4 },
    { op: 'detrend', in: [kind], out: `${kind}_detrended` },
    {
      op: 'biquad',
      in: [`${kind}_detrended`],
      out: `${kind}_highpassed`,
      sections: [{ kind: 'highpass', hz: RESP_HIGHPASS_HZ, q: 0.7071 }],
    },
    { op: 'window', in: [`${kind}_highpassed`], out: `${kind}_windowed`, shape: 'hann' },
    { op: 'zeroPad', in: [`${kind}_windowed`], out: `${kind}_padded`, length: 512 },
    { op: 'powerSpectrum', in: [`${kind}_padded`], out: `${kind}_power` },
    { op: 'peakFrequency', in: [`${kind}_power`], out: `${kind}_rate`, rangeHz: [0.1, 0.7], scale: 60 },
  ];
}

/** One sample of every KEEP_EVERY is kept: 125 Hz to 25 Hz. */
const KEEP_EVERY = 5;

export const featureGraph: FeatureGraph = {
  name: 'ppg_triage',
  rateHz: RATE_HZ,
  channels: ['pleth'],
  units: ['nu'],
  window: 32 * RATE_HZ,
  hop: 32 * RATE_HZ,
  stream: [
    {
      op: 'biquad',
      in: ['pleth'],
      out: 'pulse_125',
      sections: [
        { kind: 'highpass', hz: 0.5, q: 0.7071 },
        { kind: 'lowpass', hz: 5, q: 0.7071 },
      ],
    },
    { op: 'decimate', in: ['pulse_125'], out: 'pulse', factor: KEEP_EVERY },
    { op: 'decimate', in: ['pleth'], out: 'pleth_25', factor: KEEP_EVERY },
  ],
  steps: [
    {
      op: 'beats',
      in: ['pulse', 'pleth_25'],
      out: 'beats',
      thresholdK: 0.3,
      refractoryS: 0.33,
      maxRateBpm: 200,
    },
    { op: 'heartRate', in: ['beats'], name: 'hr' },
    ...respiratoryRate('riiv'),
    ...respiratoryRate('riav'),
    ...respiratoryRate('rifv'),
    { op: 'fuse', in: ['riiv_rate', 'riav_rate', 'rifv_rate'], out: 'rr' },
    { op: 'emit', in: ['rr'], name: 'rr', names: ['rate', 'quality'] },
    { op: 'emit', in: ['riiv_rate'], name: 'rr_riiv', names: ['rate', 'quality'] },
    { op: 'emit', in: ['riav_rate'], name: 'rr_riav', names: ['rate', 'quality'] },
    { op: 'emit', in: ['rifv_rate'], name: 'rr_rifv', names: ['rate', 'quality'] },
    { op: 'stats', in: ['pulse'], name: 'pulse', emit: ['std', 'skewness', 'kurtosis'] },
  ],
};

/** The ppg-triage dataset's windows through `featureGraph`, labelled with the breath class of each window. */
export const appFeatures: AppFeatures = {
  dataset: 'ppg-triage',
  graphFor: (rec) =>
    rec.rateHz === RATE_HZ ? featureGraph : { skip: `sampled at ${rec.rateHz} Hz, not ${RATE_HZ} Hz` },
  label: breathClassLabel,
};
