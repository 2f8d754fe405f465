export { PrometheusClient, alertsSelector } from './PrometheusClient';
export {
  readPrometheusConnections,
  DEFAULT_PROMETHEUS_TIMEOUT_MS,
} from './config';
export type { PrometheusConfig, PrometheusConnection } from './config';
