export {};
export * from './payload';
