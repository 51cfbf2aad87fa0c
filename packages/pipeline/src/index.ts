export { defaultModelDir, ensureModel, evaluateRecipes } from './model';
export { buildApp } from './build';
export { imageMemory, writeReport } from './report';
export { recordedWindowCapacity, recordedStream } from './recorded';
export { crossValidate, crossValidateApp, type CrossValidation } from './cross-validate';
export { evaluateApp } from './evaluate';
export { buildTflite, type TfliteBuild } from './tflite-build';
