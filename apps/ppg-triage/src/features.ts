/**
 * PPG features for breathing-rate triage: 32 s windows at 125 Hz, one after the other. The band-pass
 * (0.5–5 Hz) runs on every sample as it arrives; the band-passed pulse and the raw PPG are kept at 25 Hz
 * (every fifth sample, plenty for a pulse below 5 Hz), so a window costs 2 × 800 floats instead of a
 * 4000-sample ring and its filtered copy, and the graph fits a 16 KB micro:bit. Pulses are detected on the
 * kept pulse with an adaptive threshold and a refractory period, and each beat time is refined between
 * samples (the 40 ms steps of 25 Hz would otherwise drown the interval variation); the median inter-beat
 * interval gives the heart rate. The respiratory-induced intensity (RIIV), amplitude (RIAV) and frequency
 * (RIFV) variation series are resampled at 4 Hz, detrended, high-passed at 0.18 Hz, Hann-windowed and
 * zero-padded to 512 points. Their power spectra, each scaled to unit power in the band, are mixed with
 * weights 1, 0.25 and 0.25: a series whose spectrum is flat (a recording where RIIV fails) adds little to
 * any bin, one with a clear breathing peak adds it. The respiratory rate is the largest local maximum of
 * the mix in 0.13–0.7 Hz (7.8–42 breaths/min): the slope of slow drift or Mayer waves (about 0.1 Hz)
 * falling into the band is never taken for a peak at its edge. The quality index is that peak's share of
 * the band's power. Each series' own peak is emitted as well (diagnostics, `murmur features`).
 */
import { breathClassLabel } from '@murmur/datasets';
import type { AppFeatures, BlockStep, FeatureGraph, RespSeries } from '@murmur/dsp';

const RATE_HZ = 125;

/** Highpass cut-off of the respiratory series, chosen by leave-one-recording-out over {0.06 … 0.25} Hz. */
export const RESP_HIGHPASS_HZ = 0.18;

/**
 * The respiratory-rate estimator's choices (`src/estimator-selection.ts` picks them by nested
 * leave-one-recording-out cross-validation; the defaults are its choice on the 23 development recordings):
 * the weights of RIAV and RIFV beside RIIV (1) in the mixed spectrum, and the band's lower edge in Hz.
 */
export interface RespEstimator {
  riavWeight: number;
  rifvWeight: number;
  lowHz: number;
}

export const RESP_ESTIMATOR: RespEstimator = { riavWeight: 0.25, rifvWeight: 0.25, lowHz: 0.13 };

/** The band's upper edge: 42 breaths/min. */
const RESP_HIGH_HZ = 0.7;

/**
 * Windows whose `rr_quality` (the mixed spectrum's peak share of the band's power) is below this are
 * low quality: the estimator rejects them. Chosen by `src/estimator-selection.ts` (the threshold that
 * maximises the trusted windows' macro-F1 while rejecting at most 10 % of the training windows).
 */
export const RR_QUALITY_THRESHOLD = 0.04;

function respiratorySpectrum(kind: RespSeries, lowHz: number): BlockStep[] {
  return [
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
    {
      op: 'peakFrequency',
      in: [`${kind}_power`],
      out: `${kind}_rate`,
      rangeHz: [lowHz, RESP_HIGH_HZ],
      scale: 60,
      localMax: true,
    },
  ];
}

const RESP_SERIES: RespSeries[] = ['riiv', 'riav', 'rifv'];

/** One sample of every KEEP_EVERY is kept: 125 Hz to 25 Hz. */
const KEEP_EVERY = 5;

/** The feature graph with an estimator's choices (the device runs `featureGraph`, the default's). */
export function ppgTriageGraph(est: RespEstimator = RESP_ESTIMATOR): FeatureGraph {
  const band: [number, number] = [est.lowHz, RESP_HIGH_HZ];
  return {
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
        interpolate: true,
      },
      { op: 'heartRate', in: ['beats'], name: 'hr' },
      // The three 4 Hz series first (the beats are then free); RIIV's and RIAV's spectra and their mix,
      // then RIFV's and the mix of both: no more than two spectra live at a time.
      ...RESP_SERIES.map((kind): BlockStep => ({
        op: 'respSeries',
        in: ['beats'],
        out: kind,
        kind,
        rateHz: 4,
      })),
      ...respiratorySpectrum('riiv', est.lowHz),
      ...respiratorySpectrum('riav', est.lowHz),
      {
        op: 'mixSpectra',
        in: ['riiv_power', 'riav_power'],
        out: 'riiv_riav_power',
        weights: [1, est.riavWeight],
        rangeHz: band,
      },
      ...respiratorySpectrum('rifv', est.lowHz),
      {
        op: 'mixSpectra',
        in: ['riiv_riav_power', 'rifv_power'],
        out: 'resp_power',
        weights: [1 + est.riavWeight, est.rifvWeight],
        rangeHz: band,
      },
      { op: 'peakFrequency', in: ['resp_power'], out: 'rr', rangeHz: band, scale: 60, localMax: true },
      { op: 'emit', in: ['rr'], name: 'rr', names: ['rate', 'quality'] },
      { op: 'emit', in: ['riiv_rate'], name: 'rr_riiv', names: ['rate', 'quality'] },
      { op: 'emit', in: ['riav_rate'], name: 'rr_riav', names: ['rate', 'quality'] },
      { op: 'emit', in: ['rifv_rate'], name: 'rr_rifv', names: ['rate', 'quality'] },
      { op: 'stats', in: ['pulse'], name: 'pulse', emit: ['std', 'skewness', 'kurtosis'] },
    ],
  };
}

export const featureGraph: FeatureGraph = ppgTriageGraph();

/** The ppg-triage dataset's windows through `featureGraph`, labelled with the breath class of each window. */
export const appFeatures: AppFeatures = {
  dataset: 'ppg-triage',
  graphFor: (rec) =>
    rec.rateHz === RATE_HZ ? featureGraph : { skip: `sampled at ${rec.rateHz} Hz, not ${RATE_HZ} Hz` },
  label: breathClassLabel,
};
