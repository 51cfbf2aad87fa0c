export * from './html';
export * from './plots';
export { esc, formatBytes } from './svg';
