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
import { vibrationSensor } from './src/sensor';

export const app: MurmurApp = {
  id: 'predictive-maintenance',
  title: 'Predictive maintenance',
  summary: 'Bearing fault class and an on-site learned anomaly score from drive-end vibration.',
  classes: MACHINE_STATES,
  sensor: vibrationSensor,
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
