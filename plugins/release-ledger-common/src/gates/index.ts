export * from './results';
export * from './durations';
export * from './conditions';
export * from './templates';
export * from './definitions';
export * from './verdicts';
export * from './evidence';
