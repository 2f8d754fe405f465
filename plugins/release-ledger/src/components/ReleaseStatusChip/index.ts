export { ReleaseStatusChip, releaseStatusLabel } from './ReleaseStatusChip';
export type { ReleaseStatusChipProps } from './ReleaseStatusChip';
