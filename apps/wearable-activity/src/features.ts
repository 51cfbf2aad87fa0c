/**
 * Wrist-activity features, designed for an Arduino Uno (2 KB SRAM): 6.4 s windows without overlap,
 * computed entirely by running (per-sample) ops, so no window of samples is ever stored. Per axis and
 * for the acceleration magnitude: mean, std, min, max; the three inter-axis correlations; and from
 * 32 Goertzel bins of the magnitude (0.16–5 Hz): relative band energies, log total energy, peak and
 * centroid frequency.
 */
import type { AppFeatures, FeatureGraph } from '@murmur/dsp';

const RATE_HZ = 20;
const WINDOW = 128;

export const featureGraph: FeatureGraph = {
  name: 'wearable_activity',
  rateHz: RATE_HZ,
  channels: ['ax', 'ay', 'az'],
  units: ['m/s2', 'm/s2', 'm/s2'],
  window: WINDOW,
  hop: WINDOW,
  stream: [
    { op: 'magnitude', in: ['ax', 'ay', 'az'], out: 'mag' },
    { op: 'moments', in: ['ax'], name: 'ax', emit: ['mean', 'std', 'min', 'max'] },
    { op: 'moments', in: ['ay'], name: 'ay', emit: ['mean', 'std', 'min', 'max'] },
    { op: 'moments', in: ['az'], name: 'az', emit: ['mean', 'std', 'min', 'max'] },
    { op: 'moments', in: ['mag'], name: 'mag', emit: ['mean', 'std', 'min', 'max'] },
    { op: 'correlation', in: ['ax', 'ay'], name: 'corr_xy' },
    { op: 'correlation', in: ['ax', 'az'], name: 'corr_xz' },
    { op: 'correlation', in: ['ay', 'az'], name: 'corr_yz' },
    { op: 'goertzel', in: ['mag'], out: 'mag_spec', bins: [1, 33] },
  ],
  steps: [
    {
      op: 'bandEnergy',
      in: ['mag_spec'],
      name: 'mag_band',
      bandsHz: [
        [0.15, 1],
        [1, 1.8],
        [1.8, 2.6],
        [2.6, 3.5],
        [3.5, 5.01],
      ],
      relative: true,
      log: false,
    },
    {
      op: 'bandEnergy',
      in: ['mag_spec'],
      name: 'mag_energy',
      bandsHz: [[0.15, 5.01]],
      relative: false,
      log: true,
    },
    {
      op: 'spectralShape',
      in: ['mag_spec'],
      name: 'mag_spec',
      rangeHz: [0.15, 5.01],
      emit: ['peak', 'centroid'],
    },
  ],
};

/** The wearable-activity dataset's windows through `featureGraph`. */
export const appFeatures: AppFeatures = {
  dataset: 'wearable-activity',
  graphFor: (rec) =>
    rec.rateHz === RATE_HZ ? featureGraph : { skip: `sampled at ${rec.rateHz} Hz, not ${RATE_HZ} Hz` },
};
