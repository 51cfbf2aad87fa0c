export { builtinCode, importTflite, operatorName, parseTflite, readTflite } from './import';
