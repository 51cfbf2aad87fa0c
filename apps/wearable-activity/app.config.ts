/**
 * wearable-activity: what a wrist-worn tracker did over the last 15 minutes — walking, jogging, stairs,
 * sitting, standing or kicking a ball — from a 3-axis accelerometer at 20 Hz, small enough for an Arduino
 * Uno (ATmega328P: 32 KB flash, 2 KB SRAM with the stack).
 */
import type { MurmurApp } from '@murmur/app';
import { appFeatures, featureGraph } from './src/features';
import { ACTIVITIES, payloadExamples, payloadSchema } from './src/payload';
import { uplinkPolicy } from './src/policy';

export const app: MurmurApp = {
  id: 'wearable-activity',
  title: 'Wearable activity',
  summary:
    'Minutes per activity (walking, jogging, stairs, sitting, standing, kicking) from a wrist accelerometer.',
  classes: ACTIVITIES,
  // ±8 g full scale: the WISDM watches never reached 7 g. A working accelerometer's noise changes the reading
  // every sample (the longest equal run in WISDM is 9 samples), so 2 s of one value is a stuck sensor.
  sensor: {
    description: '3-axis wrist accelerometer in m/s2 (e.g. LIS2DH12 or BMA400 at ±8 g)',
    range: [-78.4532, 78.4532],
    stuckSeconds: 2,
    currentUa: 10, // LIS2DH12 or BMA400 at tens of Hz: about 4–15 µA
  },
  features: appFeatures,
  featureGraph,
  // Fixed epochs on all training subjects: early stopping on a fifth of them cost 1–2 pp in
  // subject-wise cross-validation (fewer people to learn from); a slower rate gained about 0.5 pp.
  model: { hidden: [32, 16], epochs: 60, learningRate: 0.001, patience: 0 },
  compression: { maxDropPp: 1 },
  payload: payloadSchema,
  payloadExamples,
  uplink: uplinkPolicy,
  defaultBoard: 'arduino-uno-rn2483',
  // Subject-wise: 5 folds (the headline figure) and 10 folds (more training subjects per fold).
  crossValidation: { subjects: 5, 'subjects-10': 10 },
};
