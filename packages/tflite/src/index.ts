export { builtinCode, importTflite, operatorName, parseTflite, readTflite } from './import';
export { exportTflite } from './export';
export { readGolden, readGoldenCases, readGoldenLayers, type GoldenCase, type GoldenLayer } from './golden';
export { compressedToGraph } from './from-compressed';
