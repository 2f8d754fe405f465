export { MetricFigure, DoraFigures } from './MetricFigure';
export type { MetricFigureProps, DoraFiguresProps } from './MetricFigure';
export { MetricDefinitionButton } from './MetricDefinitionButton';
export type { MetricDefinitionButtonProps } from './MetricDefinitionButton';
export { MetricSparkline } from './MetricSparkline';
export type { MetricSparklineProps } from './MetricSparkline';
