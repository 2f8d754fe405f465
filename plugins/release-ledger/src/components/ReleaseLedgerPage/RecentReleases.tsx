import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useReleasePages } from '../../hooks/useReleasePages';
import { ReleasesTable } from '../ReleasesTable';

const NO_FILTER = {};

/** The newest releases across the organisation. */
export function RecentReleases() {
  const {
    releases,
    loading,
    error,
    hasMore,
    loadMore,
    loadingMore,
    loadMoreError,
  } = useReleasePages(NO_FILTER);

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  if (releases.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No releases recorded yet"
        description="Releases appear here once deploy pipelines post release events. Open a component's Releases tab for an example command."
      />
    );
  }
  return (
    <ReleasesTable
      title="Recent releases across the org"
      releases={releases}
      showEntity
      hasMore={hasMore}
      loadingMore={loadingMore}
      onLoadMore={loadMore}
      loadMoreError={loadMoreError}
    />
  );
}
