export { cArray } from './c-emit';
export { interleaveRows, generateModelCode, type GeneratedModel } from './model-codegen';
export { generateAppLibrary, type AppLibraryOptions, type AppLibrary } from './app-library';
export { generateGraphCode, cTypeOf, type GeneratedGraphModel } from './graph-codegen';
export { generateGraphLibrary, type GraphLibrary } from './graph-library';
export type { LibraryFile } from './build-files';
