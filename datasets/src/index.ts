export * from './datadir';
