export * from './definitions';
export * from './bands';
export * from './bandSetSchema';
export * from './stats';
export * from './weeks';
export * from './attribution';
export * from './footprint';
export * from './computeDoraMetrics';
