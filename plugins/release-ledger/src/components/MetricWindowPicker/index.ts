export { MetricWindowPicker } from './MetricWindowPicker';
export type { MetricWindowPickerProps } from './MetricWindowPicker';
