export { BandChip } from './BandChip';
export type { BandChipProps } from './BandChip';
