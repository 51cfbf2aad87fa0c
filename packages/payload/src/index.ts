export * from './schema';
export * from './json';
export * from './plan';
export * from './codec';
export * from './codegen-js';
export * from './cbor';
export * from './codegen-c';
