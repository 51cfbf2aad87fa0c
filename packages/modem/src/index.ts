export * from './c-sources';
export * from './command-sets';
export * from './network';
export * from './simulator';
export * from './server';
export * from './chain';
