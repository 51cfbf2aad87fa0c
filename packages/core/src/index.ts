export { fieldPath, MurmurError, UsageError } from './errors';
export { hashString, createRng, type Rng } from './prng';
export { createProgress, type Progress } from './progress';
export { workspaceRoot, murmurVersion } from './paths';
export {
  cFloat,
  cCommentText,
  cComment,
  cBanner,
  cFloatSemantics,
  cExternC,
  cIncludeGuard,
} from './c-literal';
