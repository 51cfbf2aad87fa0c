export * from './payload';
export * from './features';
export * from './policy';
export { app } from '../app.config';
