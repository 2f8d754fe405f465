export { ReleaseChecklistCard } from './ReleaseChecklistCard';
export type { ReleaseChecklistCardProps } from './ReleaseChecklistCard';
