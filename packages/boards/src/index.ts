export { atCommandSets, type AtCommandSet, type Board } from './schema';
export { loadBoards, getBoard, scanBoards, boardsDir, type BoardProblem } from './registry';
export { emulatorFor } from './targets';
export { isAvrCore, qemuMachine, qemuMachineNames, qemuMemoryOptions, type MachineRegion } from './cores';
