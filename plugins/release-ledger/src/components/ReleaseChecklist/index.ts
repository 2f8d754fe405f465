export { ReleaseChecklistCard } from './ReleaseChecklistCard';
