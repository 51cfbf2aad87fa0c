export { calibrate, toSparse, quantizeModel, type WeightEncoding } from './quantize';
export {
  floatWeightBytes,
  floatAccuracy,
  runRecipe,
  runRecipes,
  defaultRecipes,
  type Recipe,
  type RecipeResult,
} from './recipes';
export {
  memoryBudget,
  paretoFront,
  chooseRecipe,
  fits,
  type FirmwareFootprint,
  type MemoryBudget,
  type BudgetChoice,
} from './budget';
export {
  selectRows,
  selectGroups,
  trainAppModel,
  fitAppModel,
  defaultModelSettings,
  type AppModelSettings,
  type AppModelSpec,
  type AppRows,
} from './app-model';
