export * from './f32';
export * from './tables';
export * from './kernels';
export * from './graph';
export * from './run';
export * from './codegen';
export * from './host';
export * from './app';
