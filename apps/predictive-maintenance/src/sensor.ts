import type { SensorDescription } from '@murmur/app';
import type { SensorLimits } from '@murmur/dsp';
import { featureGraph } from './features';

/**
 * ±50 g full scale (the CWRU and IMS recordings stay within ±6.7 g). Vibration noise changes a 12 kHz
 * reading every few samples (the longest equal run in the data is 4), so 50 ms of one value is stuck.
 */
export const vibrationSensor: SensorDescription = {
  description: 'vibration accelerometer in g (e.g. ADXL1002 at ±50 g)',
  range: [-50, 50],
  stuckSeconds: 0.05,
  currentUa: 1000, // ADXL1002: 1.0 mA typical, always on
};

/** The sensor check's limits at the feature graph's rate (what appSensorLimits gives the app). */
export const vibrationSensorLimits: SensorLimits = {
  min: vibrationSensor.range[0],
  max: vibrationSensor.range[1],
  stuckSamples: Math.round(vibrationSensor.stuckSeconds * featureGraph.rateHz),
};
