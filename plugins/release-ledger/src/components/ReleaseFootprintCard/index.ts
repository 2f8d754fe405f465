export { ReleaseFootprintCard } from './ReleaseFootprintCard';
export type { ReleaseFootprintCardProps } from './ReleaseFootprintCard';
