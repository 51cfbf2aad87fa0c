/**
 * predictive-maintenance: the state of a rolling-element bearing (normal, inner-race, ball or outer-race
 * fault) from a vibration accelerometer at 12 kHz, plus an anomaly score against a baseline the device
 * learns on site, so a machine the classifier never saw still reports "something changed".
 */
import type { MurmurApp } from '@murmur/app';
import { anomalyMetrics, faultSizeFolds, loadFolds } from './src/evaluation';
import { appFeatures, featureGraph } from './src/features';
import { MACHINE_STATES, downlinkExamples, payloadExamples, payloadSchema } from './src/payload';
import { uplinkPolicy } from './src/policy';

export const app: MurmurApp = {
  id: 'predictive-maintenance',
  title: 'Predictive maintenance',
  summary: 'Bearing fault class and an on-site learned anomaly score from drive-end vibration.',
  classes: MACHINE_STATES,
  // ±50 g full scale (the CWRU and IMS recordings stay within ±6.7 g). Vibration noise changes a 12 kHz
  // reading every few samples (the longest equal run in the data is 4), so 50 ms of one value is stuck.
  sensor: {
    description: 'vibration accelerometer in g (e.g. ADXL1002 at ±50 g)',
    range: [-50, 50],
    stuckSeconds: 0.05,
    currentUa: 1000, // ADXL1002: 1.0 mA typical, always on
  },
  features: appFeatures,
  featureGraph,
  model: { hidden: [24, 12], epochs: 30, patience: 0 },
  compression: { maxDropPp: 1 },
  payload: payloadSchema,
  payloadExamples,
  downlinkExamples,
  uplink: uplinkPolicy,
  defaultBoard: 'nucleo-wl55jc',
  crossValidation: { loads: loadFolds, faultSizes: faultSizeFolds },
  taskMetrics: anomalyMetrics,
};
