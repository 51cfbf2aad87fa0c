export * from './datadir';
export * from './recording';
