export {};
export * from './payload';
export * from './features';
