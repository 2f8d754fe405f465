import Box from '@material-ui/core/Box';
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
      notice={
        loadMoreError && (
          <Box mb={2}>
            <ResponseErrorPanel
              error={loadMoreError}
              title="Could not load more releases"
            />
          </Box>
        )
      }
    />
  );
}
