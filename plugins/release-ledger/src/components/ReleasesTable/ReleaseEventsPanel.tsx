import Box from '@material-ui/core/Box';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { releaseLedgerApiRef } from '../../api';
import { ReleaseTimeline } from '../ReleaseTimeline';

/** A release's event timeline, fetched when the panel first renders. */
export function ReleaseEventsPanel(props: { releaseId: string }) {
  const { releaseId } = props;
  const api = useApi(releaseLedgerApiRef);
  const { value, loading, error } = useAsync(
    () => api.getRelease(releaseId),
    [api, releaseId],
  );

  return (
    <Box px={4} py={1} data-testid={`release-events-${releaseId}`}>
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && <ReleaseTimeline events={value.events} />}
    </Box>
  );
}
