export * from './schema';
export * from './registry';
export * from './targets';
export * from './json-schema';
export { proxyEmulators, flagsForCore, type EmulatorMachine, type CoreSelection } from './cores';
