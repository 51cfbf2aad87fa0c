export {
  compilePolicy,
  windowsPerPeriod,
  windowsPerUplink,
  type UplinkPolicyDef,
  type CompiledClassRule,
  type CompiledPolicy,
} from './policy';
export { ruleClass, PolicyRunner } from './reference';
export { generatePolicyC } from './codegen';
