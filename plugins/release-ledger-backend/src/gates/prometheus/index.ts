export { PrometheusClient, alertsSelector } from './PrometheusClient';
export { readPrometheusConfig, DEFAULT_PROMETHEUS_TIMEOUT_MS } from './config';
export type { PrometheusConfig } from './config';
