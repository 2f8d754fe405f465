export { EntitySkippedChecklistCard } from './EntitySkippedChecklistCard';
export type { EntitySkippedChecklistCardProps } from './EntitySkippedChecklistCard';
