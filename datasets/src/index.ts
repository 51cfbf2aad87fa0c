export * from './datadir';
export * from './recording';
export * from './load';
export * from './predictive-maintenance';
export * from './wearable-activity';
export * from './ppg-triage';
export * from './window';
export * from './split';
