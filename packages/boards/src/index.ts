export * from './schema';
export * from './registry';
export * from './targets';
export * from './json-schema';
export {
  avrCores,
  isAvrCore,
  proxyEmulators,
  flagsForCore,
  machineMemory,
  qemuMemoryOptions,
  sizableQemuMemory,
  type EmulatorMachine,
  type CoreSelection,
  type MachineMemory,
  type MachineRegion,
} from './cores';
