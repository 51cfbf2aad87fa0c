export * from './errors';
export * from './prng';
export * from './progress';
export * from './paths';
export * from './c-literal';
