/**
 * Bearing-vibration features: 2048-sample windows (0.17 s) at 12 kHz. Time statistics (RMS, peak,
 * kurtosis), log relative energies of six log-spaced bands, and the envelope spectrum (band-pass around
 * the 4 kHz structural resonance, rectify, low-pass, decimate by 4) read at the bearing defect
 * frequencies BPFO, BPFI and BSF in two ways: the energy of two harmonics (±6 Hz) relative to the
 * envelope spectrum's mean level, and the prominence of three harmonics over their own ±30 Hz
 * neighbourhood. Both are scale-free; the prominence is what carries over to fault sizes the model
 * never saw (a defect shows as lines at its frequency, however large it is), while the band energies
 * and statistics carry the fault's signature across motor loads. The shaft speed is a graph
 * parameter: a device knows its machine's nominal rpm.
 *
 * Everything up to the envelope runs sample by sample as the window arrives: running moments, a
 * filter bank for the band energies, and the envelope chain, which keeps only its decimated 512
 * samples. No window of raw samples is stored, so the graph needs about 4 KB of RAM (a 2048-point
 * spectrum of the window needed 27 KB) and fits a 16 KB Cortex-M0.
 */
import { cwruBearingOrders } from '@murmur/datasets';
import type { AppFeatures, FeatureGraph } from '@murmur/dsp';

const RATE_HZ = 12000;

/** Nominal motor speed used when none is given (the middle of the CWRU loads, 1730–1797 rpm). */
export const DEFAULT_SHAFT_RPM = 1750;

/** The feature graph for a machine whose shaft turns at `rpm`. */
export function predictiveMaintenanceGraph(rpm: number = DEFAULT_SHAFT_RPM): FeatureGraph {
  return {
    name: 'predictive_maintenance',
    rateHz: RATE_HZ,
    channels: ['accel'],
    units: ['g'],
    window: 2048,
    hop: 2048,
    stream: [
      // The vibration's RMS (about its mean), largest deviation and kurtosis.
      { op: 'moments', in: ['accel'], name: 'x', emit: ['std', 'peak', 'kurtosis'] },
      {
        op: 'bandEnergy',
        in: ['accel'],
        name: 'band',
        bandsHz: [
          [100, 250],
          [250, 600],
          [600, 1400],
          [1400, 2500],
          [2500, 3800],
          [3800, 5600],
        ],
        relative: true,
        log: true,
      },
      {
        op: 'biquad',
        in: ['accel'],
        out: 'resonance',
        sections: [
          { kind: 'bandpass', hz: 4000, q: 1 },
          { kind: 'bandpass', hz: 4000, q: 1 },
        ],
      },
      { op: 'rectify', in: ['resonance'], out: 'rectified' },
      {
        op: 'biquad',
        in: ['rectified'],
        out: 'envelope',
        sections: [{ kind: 'lowpass', hz: 1000, q: 0.7071 }],
      },
      { op: 'decimate', in: ['envelope'], out: 'envelope_3k', factor: 4 },
    ],
    steps: [
      { op: 'demean', in: ['envelope_3k'], out: 'envelope_ac' },
      { op: 'window', in: ['envelope_ac'], out: 'envelope_windowed', shape: 'hann' },
      { op: 'powerSpectrum', in: ['envelope_windowed'], out: 'envelope_power' },
      {
        op: 'defectEnergy',
        in: ['envelope_power'],
        name: 'envelope',
        shaftHz: rpm / 60,
        orders: [
          { name: 'bpfo', multiple: cwruBearingOrders.bpfo },
          { name: 'bpfi', multiple: cwruBearingOrders.bpfi },
          { name: 'bsf', multiple: cwruBearingOrders.bsf },
        ],
        harmonics: 2,
        toleranceHz: 6,
        referenceHz: [10, 700],
      },
      {
        op: 'defectProminence',
        in: ['envelope_power'],
        name: 'prominence',
        shaftHz: rpm / 60,
        orders: [
          { name: 'bpfo', multiple: cwruBearingOrders.bpfo },
          { name: 'bpfi', multiple: cwruBearingOrders.bpfi },
          { name: 'bsf', multiple: cwruBearingOrders.bsf },
        ],
        harmonics: 3,
        toleranceHz: 6,
        neighbourhoodHz: 30,
      },
    ],
  };
}

export const featureGraph: FeatureGraph = predictiveMaintenanceGraph();

/** The CWRU 12 kHz recordings through a graph built for each recording's motor speed. */
export const appFeatures: AppFeatures = {
  dataset: 'predictive-maintenance',
  graphFor: (rec) =>
    rec.rateHz === RATE_HZ
      ? predictiveMaintenanceGraph(Number(rec.meta.motor_rpm) || DEFAULT_SHAFT_RPM)
      : { skip: `sampled at ${rec.rateHz} Hz, not ${RATE_HZ} Hz` },
};
