export { ReleaseDetailsPage } from './ReleaseDetailsPage';
export type { ReleaseDetailsPageProps } from './ReleaseDetailsPage';
