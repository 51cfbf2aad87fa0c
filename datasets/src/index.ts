export { resolveDataSource, cacheDataDir } from './datadir';
export type { Recording, DatasetName } from './recording';
export { loadDataset } from './load';
export { cwruBearingOrders } from './predictive-maintenance';
export { breathClass, referenceBreathRate, loadPpgNumerics, breathClassLabel } from './ppg-triage';
export { type WindowLabeler } from './window';
export { splitBySubject } from './split';
export { fetchDataset } from './fetch';
export { summarizeDatasets, type DatasetSummary } from './summary';
