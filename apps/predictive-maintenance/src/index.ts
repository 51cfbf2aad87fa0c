export * from './payload';
export * from './features';
export * from './policy';
export * from './evaluation';
export { app } from '../app.config';
