export * from './app';
export * from './model';
export * from './build';
export * from './report';
export * from './recorded';
export * from './firmware-main';
export * from './board-images';
export * from './chain';
