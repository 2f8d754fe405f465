import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { CommsStatus } from '@release-ledger/plugin-release-ledger-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';
import type { LedgerStatus } from '@release-ledger/plugin-release-ledger-common';
import { releaseLedgerApiRef } from '../../api';
import { errorMessage } from '../../utils/errors';
import { formatDuration } from '../../utils/format';
import { plural } from '../../utils/formatMetrics';

/** How often the card asks again while it is on screen. */
export const STATUS_REFRESH_MS = 10_000;

/**
 * Lag above which the card warns: the backend's default
 * `releaseLedger.projections.lagWarningMs`, where it starts logging warnings.
 * A drain normally catches up within a second.
 */
export const LAG_WARNING_MS = 30_000;

const useStyles = makeStyles(
  theme => ({
    label: {
      display: 'block',
      color: theme.palette.text.secondary,
      marginBottom: theme.spacing(0.5),
    },
    alert: { marginBottom: theme.spacing(1) },
    counts: {
      display: 'flex',
      flexWrap: 'wrap',
      gap: theme.spacing(0.5, 3),
      margin: 0,
      padding: 0,
      listStyle: 'none',
    },
    count: { fontVariantNumeric: 'tabular-nums' },
    countValue: { fontWeight: theme.typography.fontWeightBold as number },
    parked: { color: theme.palette.error.main },
    hint: { marginTop: theme.spacing(1), color: theme.palette.text.secondary },
    footnote: {
      marginTop: theme.spacing(2),
      color: theme.palette.text.secondary,
    },
  }),
  { name: 'ReleaseLedgerLedgerStatusCard' },
);

/** `7 events waiting (2 releases or incidents), oldest 42s ago.` */
function waitingText(events: number, subjects: number, lagMs: number) {
  const subjectsText = plural(
    subjects,
    'release or incident',
    'releases or incidents',
  );
  const oldest =
    lagMs < 1000 ? 'stored just now' : `${formatDuration(lagMs)} ago`;
  return `${plural(
    events,
    'event',
  )} waiting (${subjectsText}), oldest ${oldest}.`;
}

function Projections(props: { projections: LedgerStatus['projections'] }) {
  const { pendingEvents, pendingSubjects, retrying, lagMs } = props.projections;
  const classes = useStyles();
  const behind = lagMs > LAG_WARNING_MS;
  return (
    <>
      {pendingEvents === 0 ? (
        <Alert severity="success" role="status" className={classes.alert}>
          Up to date: every recorded event is in the metrics and the Slack
          outbox.
        </Alert>
      ) : (
        <Alert
          severity={behind ? 'warning' : 'info'}
          role="status"
          className={classes.alert}
        >
          {waitingText(pendingEvents, pendingSubjects, lagMs)}
          {behind &&
            ' Metrics and Slack messages are behind: the backend cannot keep up or its drains are failing.'}
        </Alert>
      )}
      {retrying > 0 && (
        <Alert severity="error" role="status" className={classes.alert}>
          {plural(retrying, 'release or incident', 'releases or incidents')}{' '}
          retrying after a failed projection. Check the backend log for “the
          deferred projectors failed”.
        </Alert>
      )}
    </>
  );
}

const COUNT_LABELS: Array<[keyof CommsStatus['counts'], string]> = [
  ['delivered', 'delivered'],
  ['pending', 'waiting to send'],
  ['parked', 'parked'],
  ['not_delivered', 'not delivered'],
];

function SlackDelivery(props: { status?: CommsStatus; error?: Error }) {
  const { status, error } = props;
  const classes = useStyles();
  if (error) {
    return (
      <Typography variant="body2" color="error">
        Could not load Slack delivery: {errorMessage(error)}
      </Typography>
    );
  }
  if (!status) {
    return <Progress />;
  }
  const { delivery, counts } = status;
  return (
    <>
      {delivery.mode === 'not_configured' && (
        <Typography variant="body2" paragraph>
          Slack is not configured (<code>releaseLedger.slack.token</code>):
          messages are kept as they would be sent, not delivered.
        </Typography>
      )}
      {delivery.problems.map(problem => (
        <Alert
          key={problem}
          severity="warning"
          role="status"
          className={classes.alert}
        >
          {problem}
        </Alert>
      ))}
      <ul className={classes.counts} aria-label="Slack messages by state">
        {COUNT_LABELS.map(([state, label]) => (
          <li
            key={state}
            className={`${classes.count} ${
              state === 'parked' && counts[state] > 0 ? classes.parked : ''
            }`}
          >
            <span className={classes.countValue}>{counts[state] ?? 0}</span>{' '}
            {label}
          </li>
        ))}
      </ul>
      {counts.parked > 0 && (
        <Typography variant="body2" className={classes.hint}>
          Parked messages wait for a person: a release’s Slack thread shows
          Slack’s reason and can retry them.
        </Typography>
      )}
    </>
  );
}

/**
 * For the people running the plugin: how far metrics and Slack messages are
 * behind the recorded events (the backend projects them after the answer,
 * through a queue every instance drains), and where Slack delivery stands.
 * Refreshes every 10 seconds while it is on screen.
 */
export function LedgerStatusCard() {
  const classes = useStyles();
  const api = useApi(releaseLedgerApiRef);
  const ledger = useAsyncRetry(() => api.getLedgerStatus(), [api]);
  const comms = useAsyncRetry(() => api.getCommsStatus(), [api]);
  useInterval(() => {
    ledger.retry();
    comms.retry();
  }, STATUS_REFRESH_MS);

  let content;
  if (ledger.error) {
    content = (
      <ResponseErrorPanel
        error={ledger.error}
        title="Could not load the ledger status"
      />
    );
  } else if (!ledger.value) {
    content = <Progress />;
  } else {
    const { projectors } = ledger.value.projections;
    content = (
      <>
        <Grid container spacing={3}>
          <Grid item xs={12} md={6}>
            <Typography variant="overline" className={classes.label}>
              Metrics and Slack updates
            </Typography>
            <Projections projections={ledger.value.projections} />
          </Grid>
          <Grid item xs={12} md={6}>
            <Typography variant="overline" className={classes.label}>
              Slack delivery
            </Typography>
            <SlackDelivery status={comms.value} error={comms.error} />
          </Grid>
        </Grid>
        <Typography
          variant="caption"
          component="p"
          className={classes.footnote}
        >
          Projectors:{' '}
          {projectors.map(p => `${p.id} (${p.mode})`).join(', ') || 'none'}.
          Refreshes every {STATUS_REFRESH_MS / 1000} s.
        </Typography>
      </>
    );
  }

  return (
    <section aria-label="Ledger status">
      <InfoCard
        title="Ledger status"
        subheader="How far metrics and Slack messages are behind the recorded events"
      >
        {content}
      </InfoCard>
    </section>
  );
}
