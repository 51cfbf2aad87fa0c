/**
 * ppg-triage: breathing slow (< 12), normal (12–20) or fast (> 20 breaths/min) from a PPG sensor at 125 Hz,
 * with the respiratory rate, the heart rate and a signal-quality index; an alert uplink when abnormal
 * breathing persists.
 */
import type { Fold, MurmurApp, RowKey } from '@murmur/app';
import { appFeatures, featureGraph } from './src/features';
import { BREATHING_CLASSES, payloadExamples, payloadSchema } from './src/payload';
import { uplinkPolicy } from './src/policy';
import { triageMetrics } from './src/task-metrics';

/** One fold per recording (BIDMC has one recording per patient): every recording is held out once. */
export function leaveOneRecordingOut(rows: readonly RowKey[]): Fold[] {
  return [...new Set(rows.map((r) => r.recording))].sort().map((recording) => ({
    name: recording,
    test: (row: RowKey) => row.recording === recording,
  }));
}

export const app: MurmurApp = {
  id: 'ppg-triage',
  title: 'PPG breathing triage',
  summary:
    'Breathing slow / normal / fast from the respiratory rate estimated on a PPG, with heart rate and signal quality.',
  classes: BREATHING_CLASSES,
  // The front end's full scale in the normalised units the model was trained on (BIDMC's pleth stays within
  // 0…4 and flat stretches at its limits last up to 2 s), so 4 s of one value is a stuck or saturated sensor.
  sensor: {
    description: 'PPG front end, one channel of normalised pleth (e.g. MAX30101 or AFE4404)',
    range: [-10, 10],
    stuckSeconds: 4,
    currentUa: 600, // MAX30101 class: about 0.6 mA with the LEDs pulsed at a low duty cycle
  },
  features: appFeatures,
  featureGraph,
  model: { hidden: [16], epochs: 60, patience: 10 },
  compression: { maxDropPp: 2 },
  payload: payloadSchema,
  payloadExamples,
  uplink: uplinkPolicy,
  defaultBoard: 'rak4631',
  crossValidation: { recordings: leaveOneRecordingOut },
  taskMetrics: triageMetrics,
};
