export * from './c-emit';
export * from './memory-planner';
export * from './model-codegen';
export * from './app-library';
