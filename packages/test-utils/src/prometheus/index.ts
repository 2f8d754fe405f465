export * from './PrometheusServer';
export * from './openMetrics';
export * from './canaries';
