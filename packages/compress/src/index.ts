export * from './quantize';
export * from './finetune';
export * from './prune';
export * from './cluster';
export * from './fake-quant';
export * from './recipes';
export * from './budget';
export * from './app-model';
