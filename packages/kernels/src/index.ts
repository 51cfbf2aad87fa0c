export * from './ir';
export * from './fixed-point';
export * from './int8-interpreter';
export * from './c-sources';
