/**
 * ppg-triage: breathing slow (< 12), normal (12–20) or fast (> 20 breaths/min) from a PPG sensor at 125 Hz,
 * with the respiratory rate, the heart rate and a signal-quality index; an alert uplink when abnormal
 * breathing persists. The app ships no model: the breathing class comes from the estimated rate by the
 * class bounds (the uplink policy's class rule), for windows whose rate estimate the quality index trusts.
 * The estimator's choices are made by nested leave-one-recording-out cross-validation
 * (src/estimator-selection.ts).
 */
import type { MurmurApp } from '@murmur/app';
import { appFeatures, featureGraph } from './src/features';
import { BREATHING_CLASSES, payloadExamples, payloadSchema } from './src/payload';
import { uplinkPolicy } from './src/policy';
import { triageMetrics } from './src/task-metrics';

export const app: MurmurApp = {
  id: 'ppg-triage',
  title: 'PPG breathing triage',
  summary:
    'Breathing slow / normal / fast from the respiratory rate estimated on a PPG, with heart rate and signal quality.',
  classes: BREATHING_CLASSES,
  // The front end's full scale in the normalised units of the development data (BIDMC's pleth stays within
  // 0…4 and flat stretches at its limits last up to 2 s), so 4 s of one value is a stuck or saturated sensor.
  sensor: {
    description: 'PPG front end, one channel of normalised pleth (e.g. MAX30101 or AFE4404)',
    range: [-10, 10],
    stuckSeconds: 4,
    currentUa: 600, // MAX30101 class: about 0.6 mA with the LEDs pulsed at a low duty cycle
  },
  features: appFeatures,
  featureGraph,
  // No model: the classes are defined by the rate, and no learned part beat the rate rule with its quality
  // threshold in leave-one-recording-out cross-validation (README, src/estimator-selection.ts).
  model: null,
  compression: { maxDropPp: 2 }, // unused without a model
  payload: payloadSchema,
  payloadExamples,
  uplink: uplinkPolicy,
  defaultBoard: 'rak4631',
  taskMetrics: triageMetrics,
};
