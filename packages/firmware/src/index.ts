export * from './board-support';
export * from './build';
export * from './emulator';
export * from './linker-script';
export * from './memory';
export * from './stack';
export * from './targets';
export * from './toolchain';
