export * from './schema';
export * from './registry';
export * from './targets';
export * from './json-schema';
export {
  avrCores,
  isAvrCore,
  proxyEmulators,
  flagsForCore,
  emulatedMachines,
  qemuMachine,
  qemuMachineNames,
  qemuMemoryOptions,
  sizableQemuMemory,
  type EmulatorMachine,
  type CoreSelection,
  type EmulatedMachine,
  type MachineMemory,
  type MachineRegion,
} from './cores';
