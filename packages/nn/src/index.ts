export * from './ir';
export * from './interpreter';
export * from './builders';
