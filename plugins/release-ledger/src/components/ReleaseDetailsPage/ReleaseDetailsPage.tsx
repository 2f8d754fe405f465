import type { ReactNode } from 'react';
import { useParams } from 'react-router-dom';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  changeLabel,
  type ReleaseWithEvents,
} from '@release-ledger/plugin-release-ledger-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { releaseLedgerApiRef } from '../../api';
import { decodeReleaseIdParam } from '../../hooks/useReleaseLink';
import {
  formatFlagValue,
  formatRelative,
  formatUtc,
  releaseDuration,
  shortCommit,
} from '../../utils/format';
import { CommsPreview } from '../CommsPreview';
import { ReleaseChecklistCard } from '../ReleaseChecklist';
import { GateEvidence } from '../GateEvidence';
import { ReleaseFootprintCard } from '../ReleaseFootprintCard';
import { ReleaseNotesCard } from '../ReleaseNotes';
import { ReleaseStatusChip } from '../ReleaseStatusChip';
import { ReleaseTimeline } from '../ReleaseTimeline';

const useStyles = makeStyles(
  theme => ({
    root: { padding: theme.spacing(3) },
    header: { marginBottom: theme.spacing(2) },
    title: { overflowWrap: 'anywhere', marginRight: theme.spacing(2) },
    facts: {
      display: 'grid',
      gridTemplateColumns: 'max-content 1fr',
      columnGap: theme.spacing(3),
      rowGap: theme.spacing(1),
      margin: 0,
      '& dt': { color: theme.palette.text.secondary },
      '& dd': { margin: 0, overflowWrap: 'anywhere' },
    },
    mono: { fontFamily: 'monospace' },
    muted: { color: theme.palette.text.secondary },
    missingField: { marginLeft: theme.spacing(1) },
  }),
  { name: 'ReleaseLedgerReleaseDetails' },
);

function isNotFound(error: unknown): boolean {
  return (
    (ResponseError.is(error) && error.statusCode === 404) ||
    (error instanceof Error && error.name === 'NotFoundError')
  );
}

function When(props: { iso?: string }) {
  if (!props.iso) {
    return <>—</>;
  }
  const relative = formatRelative(props.iso);
  return (
    <>
      <time dateTime={props.iso}>{formatUtc(props.iso)}</time>
      {relative && ` (${relative})`}
    </>
  );
}

function Fact(props: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </>
  );
}

function Overview(props: { release: ReleaseWithEvents }) {
  const { release } = props;
  const classes = useStyles();
  const duration = releaseDuration(release);
  return (
    <InfoCard title="Overview">
      <dl className={classes.facts}>
        <Fact label="Entity">
          <EntityRefLink
            entityRef={release.entityRef}
            defaultKind="component"
          />
        </Fact>
        <Fact label="Owner">
          {release.ownerRef ? (
            <EntityRefLink entityRef={release.ownerRef} defaultKind="group" />
          ) : (
            '—'
          )}
        </Fact>
        <Fact label="Version">{release.version ?? '—'}</Fact>
        <Fact label="Commit">
          {release.commit ? (
            <span className={classes.mono} title={release.commit}>
              {shortCommit(release.commit)}
            </span>
          ) : (
            '—'
          )}
        </Fact>
        <Fact label="Environment">{release.environment}</Fact>
        {release.risk && <Fact label="Risk">{release.risk}</Fact>}
        {release.plan && <Fact label="Plan">{release.plan}</Fact>}
        <Fact label="Started">
          <When iso={release.startedAt} />
        </Fact>
        {release.canaryStartedAt && (
          <Fact label="Canary">
            <When iso={release.canaryStartedAt} />
            {release.canaryWeight !== undefined &&
              ` at ${release.canaryWeight}%`}
          </Fact>
        )}
        {release.promotedAt && (
          <Fact label="Promoted">
            <When iso={release.promotedAt} />
          </Fact>
        )}
        {release.rolledBackAt && (
          <Fact label="Rolled back">
            <When iso={release.rolledBackAt} />
            {release.rollbackReason && ` — ${release.rollbackReason}`}
          </Fact>
        )}
        <Fact label="Finished">
          <When iso={release.finishedAt} />
        </Fact>
        <Fact label="Duration">
          {duration
            ? `${duration.text}${duration.running ? ' (running)' : ''}`
            : '—'}
        </Fact>
      </dl>
    </InfoCard>
  );
}

function Changes(props: { release: ReleaseWithEvents }) {
  const { changes, changesMissingFields } = props.release;
  const classes = useStyles();
  return (
    <InfoCard title={`Merged changes (${changes.length})`}>
      {changesMissingFields ? (
        <Typography variant="body2" color="error" role="status">
          {changesMissingFields} change{changesMissingFields === 1 ? '' : 's'}{' '}
          merged without required PR template fields (risk, feature flags,
          rollback criteria).
        </Typography>
      ) : null}
      {changes.length === 0 ? (
        <Typography variant="body2" className={classes.muted}>
          No merged changes were recorded for this release.
        </Typography>
      ) : (
        <List dense disablePadding aria-label="Merged changes">
          {changes.map(change => {
            const label = changeLabel(change);
            return (
              <ListItem
                key={`${change.prNumber ?? change.commit}:${change.mergedAt}`}
                disableGutters
              >
                <ListItemText
                  primary={
                    change.url ? <Link to={change.url}>{label}</Link> : label
                  }
                  secondary={
                    <>
                      {[
                        change.author && `by ${change.author}`,
                        `merged ${formatUtc(change.mergedAt)}`,
                        change.customerVisible && 'customer visible',
                        change.source === 'commit' &&
                          !change.prNumber &&
                          'direct commit',
                      ]
                        .filter(Boolean)
                        .join(' · ')}
                      {change.missingFields?.map(m => (
                        <Tooltip key={m.field} title={m.problem}>
                          <Chip
                            size="small"
                            variant="outlined"
                            color="secondary"
                            className={classes.missingField}
                            label={`missing: ${m.label}`}
                            aria-label={`${m.label} ${m.problem}`}
                          />
                        </Tooltip>
                      ))}
                    </>
                  }
                />
              </ListItem>
            );
          })}
        </List>
      )}
    </InfoCard>
  );
}

function Incidents(props: { release: ReleaseWithEvents }) {
  const { incidents } = props.release;
  const classes = useStyles();
  return (
    <InfoCard title={`Incidents (${incidents.length})`}>
      {incidents.length === 0 ? (
        <Typography variant="body2" className={classes.muted}>
          No incidents were attached to this release.
        </Typography>
      ) : (
        <List dense disablePadding aria-label="Incidents">
          {incidents.map(incident => (
            <ListItem key={incident.incidentId} disableGutters>
              <ListItemText
                primary={[
                  incident.incidentId,
                  `(${incident.severity})`,
                  incident.title,
                ]
                  .filter(Boolean)
                  .join(' ')}
                secondary={`started ${formatUtc(incident.startedAt)} · ${
                  incident.resolvedAt
                    ? `resolved ${formatUtc(incident.resolvedAt)}`
                    : 'unresolved'
                }`}
              />
            </ListItem>
          ))}
        </List>
      )}
    </InfoCard>
  );
}

function FlagToggles(props: { release: ReleaseWithEvents }) {
  const { flagToggles } = props.release;
  const classes = useStyles();
  return (
    <InfoCard title={`Flag toggles (${flagToggles.length})`}>
      {flagToggles.length === 0 ? (
        <Typography variant="body2" className={classes.muted}>
          No feature flags were toggled during this release.
        </Typography>
      ) : (
        <List dense disablePadding aria-label="Flag toggles">
          {flagToggles.map(toggle => (
            <ListItem key={`${toggle.flag}:${toggle.at}`} disableGutters>
              <ListItemText
                primary={`${toggle.flag}: ${formatFlagValue(
                  toggle.from,
                )} → ${formatFlagValue(toggle.to)}`}
                secondary={formatUtc(toggle.at)}
              />
            </ListItem>
          ))}
        </List>
      )}
    </InfoCard>
  );
}

function ReleaseDetails(props: {
  release: ReleaseWithEvents;
  /** Reloads the release, e.g. after the checklist added an event. */
  reload: () => void;
}) {
  const { release, reload } = props;
  const classes = useStyles();
  return (
    <>
      <Box
        className={classes.header}
        display="flex"
        alignItems="center"
        flexWrap="wrap"
      >
        <Typography variant="h4" component="h1" className={classes.title}>
          {release.releaseId}
        </Typography>
        <ReleaseStatusChip release={release} size="medium" />
      </Box>
      <Grid container spacing={3}>
        {release.anomalies.length > 0 && (
          <Grid item xs={12}>
            <WarningPanel
              severity="warning"
              title={`${release.anomalies.length} ${
                release.anomalies.length === 1 ? 'anomaly' : 'anomalies'
              } in this release's events`}
              defaultExpanded
            >
              <ul aria-label="Anomalies">
                {release.anomalies.map(anomaly => (
                  <li key={`${anomaly.eventId}:${anomaly.message}`}>
                    {anomaly.message}{' '}
                    <span className={classes.muted}>
                      ({anomaly.type}, event {anomaly.eventId})
                    </span>
                  </li>
                ))}
              </ul>
            </WarningPanel>
          </Grid>
        )}
        <Grid item xs={12} md={5}>
          {/* The Slack thread sits beside the timeline it narrates. */}
          <Grid container spacing={3} direction="column">
            <Grid item>
              <Overview release={release} />
            </Grid>
            <Grid item>
              <ReleaseChecklistCard
                releaseId={release.releaseId}
                onChecked={reload}
                promotionDecided={
                  release.promotedAt !== undefined ||
                  release.rolledBackAt !== undefined
                }
              />
            </Grid>
            <Grid item>
              <CommsPreview releaseId={release.releaseId} />
            </Grid>
          </Grid>
        </Grid>
        <Grid item xs={12} md={7}>
          {/* What shipped reads beside how it shipped. */}
          <Grid container spacing={3} direction="column">
            <Grid item>
              <InfoCard title={`Timeline (${release.events.length} events)`}>
                <ReleaseTimeline events={release.events} />
              </InfoCard>
            </Grid>
            <Grid item>
              <ReleaseNotesCard releaseId={release.releaseId} />
            </Grid>
          </Grid>
        </Grid>
        <Grid item xs={12}>
          {/* Full width: each check's chart needs room to read over time. */}
          <GateEvidence
            releaseId={release.releaseId}
            canaryStartedAt={release.canaryStartedAt}
          />
        </Grid>
        <Grid item xs={12} md={6}>
          <Changes release={release} />
        </Grid>
        <Grid item xs={12} md={6}>
          <Grid container spacing={3} direction="column">
            {release.footprint && (
              <Grid item>
                <ReleaseFootprintCard footprint={release.footprint} />
              </Grid>
            )}
            <Grid item>
              <Incidents release={release} />
            </Grid>
            <Grid item>
              <FlagToggles release={release} />
            </Grid>
          </Grid>
        </Grid>
      </Grid>
    </>
  );
}

/** @public */
export type ReleaseDetailsPageProps = {
  /** The release to show; read from the `:releaseId` route param when absent. */
  releaseId?: string;
};

/**
 * Everything recorded about one release: overview, anomalies, merged changes,
 * incidents, flag toggles, the full event timeline, its checklist, its
 * release notes, its Slack thread and the evidence of its canary gates.
 *
 * @public
 */
export function ReleaseDetailsPage(props: ReleaseDetailsPageProps) {
  const params = useParams();
  const rawId = props.releaseId ?? params.releaseId ?? '';
  const releaseId = decodeReleaseIdParam(rawId);
  const classes = useStyles();
  const api = useApi(releaseLedgerApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    async () => (releaseId ? api.getRelease(releaseId) : undefined),
    [api, releaseId],
  );

  let content: ReactNode;
  // A reload of the same release keeps the page (and its cards' state) on screen.
  if (loading && value?.releaseId !== releaseId) {
    content = <Progress />;
  } else if (!releaseId || isNotFound(error)) {
    content = (
      <EmptyState
        missing="data"
        title="Release not found"
        description={
          releaseId
            ? `The ledger has no release with the id "${releaseId}". It may have been mistyped, or no events for it have arrived yet.`
            : 'No release id was given.'
        }
      />
    );
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else if (value) {
    content = <ReleaseDetails release={value} reload={retry} />;
  }

  return <div className={classes.root}>{content}</div>;
}
