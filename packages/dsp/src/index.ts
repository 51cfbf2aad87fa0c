export { floatBits, float32Text } from './f32';
export type { RespSeries } from './kernels';
export { compileGraph, type FeatureGraph } from './graph';
export type { BlockStep } from './ops';
export { computeWindow, windowStarts, computeAll } from './run';
export { generateC } from './codegen';
export { buildHost, interleave, runtimeDir, type HostProgram } from './host';
export { extractAppFeatures, type AppFeatures, type FeatureRow, type AppFeatureTable } from './app';
export {
  SENSOR_FAULT,
  SensorCheck,
  checkSensorLimits,
  cleanChannels,
  sensorFaultNames,
  sensorRuntimeFiles,
  windowFaults,
  type SensorLimits,
} from './sensor-check';
