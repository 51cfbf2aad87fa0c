export { randomWeights, singleLayerModel } from './random-layers';
export { measureModelCost } from './cost-program';
export {
  streamsRecordedFrames,
  referenceRun,
  runLibraryCheck,
  CHECK_BATTERY_PCT,
  type LayerCosts,
  type LibraryCheckResult,
  type StageCost,
} from './library-check';
export { appLibraryOptions } from './app-parts';
export { verifyGraph, type GraphCase, type GraphVerification } from './graph-program';
