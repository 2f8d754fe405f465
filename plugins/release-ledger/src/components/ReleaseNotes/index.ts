export { ReleaseNotesCard } from './ReleaseNotesCard';
export type { ReleaseNotesCardProps } from './ReleaseNotesCard';
