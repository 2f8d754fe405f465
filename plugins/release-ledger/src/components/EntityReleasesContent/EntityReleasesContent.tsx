import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  CodeSnippet,
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { discoveryApiRef, useApi } from '@backstage/core-plugin-api';
import { type Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';
import { useReleasePages } from '../../hooks/useReleasePages';
import { ReleasesTable } from '../ReleasesTable';

/** The entity ref the ledger stores: `kind:namespace/name`, lower-case. */
export function ledgerEntityRef(entity: Entity): string {
  return stringifyEntityRef(entity).toLocaleLowerCase('en-US');
}

/** Quotes a string for a POSIX shell. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A curl command that records a first `release_started` event for an entity,
 * posted to the backend's events endpoint.
 */
export function exampleCurl(options: {
  eventsUrl: string;
  entityRef: string;
  name: string;
}): string {
  const body = JSON.stringify({
    type: 'release_started',
    releaseId: `${options.name}@1.0.0`,
    entityRef: options.entityRef,
    version: '1.0.0',
  });
  return [
    `curl -X POST ${shellQuote(options.eventsUrl)} \\`,
    `  -H "Authorization: Bearer $RELEASE_LEDGER_TOKEN" \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d ${shellQuote(body)}`,
  ].join('\n');
}

function NoReleasesYet(props: { entity: Entity; entityRef: string }) {
  const { entity, entityRef } = props;
  const discoveryApi = useApi(discoveryApiRef);
  const { value: baseUrl } = useAsync(
    () => discoveryApi.getBaseUrl('release-ledger'),
    [discoveryApi],
  );
  const name = entity.metadata.name;
  const eventsUrl = `${
    baseUrl ?? '<backend base URL>/api/release-ledger'
  }/events`;

  return (
    <EmptyState
      missing="data"
      title={`No releases recorded for ${entity.metadata.title ?? name} yet`}
      description={
        <>
          Release Ledger builds this history from events that your deploy
          pipeline posts: <code>release_started</code> when a deploy begins,
          then <code>canary_started</code>, <code>promoted</code> or{' '}
          <code>rolled_back</code>, and <code>release_finished</code>. Add a
          step to the pipeline that posts them with a service token, or try it
          now with the command below; the release appears here on reload.
        </>
      }
      action={
        <Box maxWidth={900}>
          <Typography variant="subtitle2" gutterBottom>
            Record a first release of <code>{entityRef}</code>
          </Typography>
          <CodeSnippet
            language="bash"
            text={exampleCurl({ eventsUrl, entityRef, name })}
            showCopyCodeButton
            wrapLongLines
          />
        </Box>
      }
    />
  );
}

/**
 * The "Releases" tab of an entity page: the entity's releases, newest first,
 * each expandable to its event timeline.
 *
 * @public
 */
export function EntityReleasesContent() {
  const { entity } = useEntity();
  const entityRef = ledgerEntityRef(entity);
  const {
    releases,
    loading,
    error,
    hasMore,
    loadMore,
    loadingMore,
    loadMoreError,
  } = useReleasePages({ entityRef });

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  if (releases.length === 0) {
    return <NoReleasesYet entity={entity} entityRef={entityRef} />;
  }
  return (
    <ReleasesTable
      title="Releases"
      releases={releases}
      hasMore={hasMore}
      loadingMore={loadingMore}
      onLoadMore={loadMore}
      loadMoreError={loadMoreError}
    />
  );
}
