export * from './app';
export * from './load';
export * from './rows';
