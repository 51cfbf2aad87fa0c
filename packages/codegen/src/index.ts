export * from './c-emit';
export * from './c-sources';
export * from './harness';
export * from './kernel-test-program';
export * from './memory-planner';
export * from './model-codegen';
export * from './random-layers';
export * from './cost-program';
