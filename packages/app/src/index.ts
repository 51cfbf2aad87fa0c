export type { RowKey, Fold, MurmurApp, TaskMetricsInput, TaskMetrics } from './app';
export { listApps, loadApp, appModelSpec } from './load';
export { appRows } from './rows';
