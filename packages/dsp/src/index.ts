export * from './f32';
export * from './tables';
export * from './kernels';
export * from './graph';
export type { MemoryPlan } from './memory-plan';
export {
  BLOCK_OPS,
  STREAM_OPS,
  HIGHER_MOMENTS_AT,
  MOMENT_NAMES,
  type AutocorrPeriodStep,
  type BandEnergyStep,
  type BlockStep,
  type MomentName,
  type StreamStep,
} from './ops';
export * from './run';
export * from './codegen';
export * from './host';
export * from './app';
