export type { RowKey, Fold, MurmurApp, SensorDescription, TaskMetricsInput, TaskMetrics } from './app';
export { listApps, loadApp, appModelSpec, appSensorLimits, appWindowsPerUplink } from './load';
export { appRows } from './rows';
