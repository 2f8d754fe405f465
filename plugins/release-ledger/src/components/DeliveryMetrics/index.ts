export { DeliveryMetrics } from './DeliveryMetrics';
export { MetricsCharts } from './MetricsCharts';
export type { MetricsChartsProps } from './MetricsCharts';
export { TeamsTable } from './TeamsTable';
export type { TeamsTableProps } from './TeamsTable';
export { MetricDefinitions } from './MetricDefinitions';
export type { MetricDefinitionsProps } from './MetricDefinitions';
