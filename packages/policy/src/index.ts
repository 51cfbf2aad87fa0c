export * from './policy';
export * from './reference';
export * from './codegen';
