export * from './harness';
export * from './kernel-test-program';
export * from './random-layers';
export * from './cost-program';
export * from './library-check';
export * from './app-models';
export * from './app-parts';
export * from './code-size';
