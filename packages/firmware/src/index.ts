export { buildFirmware, type FirmwareImage } from './build';
export { splitHarnessLines, runOnEmulator, type RunResult } from './emulator';
export type { MemoryReport } from './memory';
export { archOf, qemuMachineOf, qemuMachineOptions } from './targets';
export { runTool } from './toolchain';
