import type { ReactNode } from 'react';
import Chip from '@material-ui/core/Chip';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { InfoCard } from '@backstage/core-components';
import {
  type FailureCause,
  type IncidentAttributionMethod,
  type ReleaseDoraFootprint as Footprint,
  median,
} from '@release-ledger/plugin-release-ledger-common';
import { useDefinitionsLink } from '../../hooks/useReleaseLink';
import { formatUtc } from '../../utils/format';
import { formatMetricDuration, plural } from '../../utils/formatMetrics';

const useStyles = makeStyles(
  theme => ({
    facts: {
      display: 'grid',
      gridTemplateColumns: 'max-content 1fr',
      columnGap: theme.spacing(3),
      rowGap: theme.spacing(1),
      margin: 0,
      '& dt': { color: theme.palette.text.secondary },
      '& dd': { margin: 0, overflowWrap: 'anywhere' },
    },
    muted: { color: theme.palette.text.secondary },
    failed: {
      color: theme.palette.error.main,
      fontWeight: theme.typography.fontWeightMedium as number,
    },
    incidents: { marginTop: theme.spacing(2) },
    chip: { marginLeft: theme.spacing(1) },
  }),
  { name: 'ReleaseLedgerReleaseFootprintCard' },
);

const CAUSE_LABELS: Record<FailureCause, string> = {
  rolled_back: 'rolled back',
  incident: 'attributed SEV-1/SEV-2 incident',
};

const ATTRIBUTION_LABELS: Record<IncidentAttributionMethod, string> = {
  explicit: 'explicit',
  window: 'attributed within window',
  unattributed: 'unattributed',
};

const ATTRIBUTION_HELP: Record<IncidentAttributionMethod, string> = {
  explicit: 'The incident names this release.',
  window:
    "The incident started within the attribution window after this release's promotion.",
  unattributed: 'No release could be tied to the incident.',
};

function Fact(props: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </>
  );
}

function LeadTimes(props: { leadTimesMs: number[] }) {
  const { leadTimesMs } = props;
  if (leadTimesMs.length === 0) {
    return <>—</>;
  }
  const fastest = Math.min(...leadTimesMs);
  const slowest = Math.max(...leadTimesMs);
  return (
    <>
      median {formatMetricDuration(median(leadTimesMs))} over{' '}
      {plural(leadTimesMs.length, 'change')}
      {leadTimesMs.length > 1 &&
        ` (${formatMetricDuration(fastest)} to ${formatMetricDuration(
          slowest,
        )})`}
    </>
  );
}

/** @public */
export type ReleaseFootprintCardProps = {
  footprint: Footprint;
};

/**
 * What one release contributes to the DORA metrics: its lead times, whether
 * it failed and why, its time to restore, whether it is rework, and the
 * incidents attributed to it with how they were attributed.
 *
 * @public
 */
export function ReleaseFootprintCard(props: ReleaseFootprintCardProps) {
  const { footprint } = props;
  const classes = useStyles();
  const definitionsLink = useDefinitionsLink();

  let restore: ReactNode = '—';
  if (footprint.timeToRestoreMs !== undefined) {
    restore = (
      <>
        {formatMetricDuration(footprint.timeToRestoreMs)}
        <span className={classes.muted}>
          {' '}
          ({formatUtc(footprint.firstFailureSignalAt)} →{' '}
          {formatUtc(footprint.restoredAt)})
        </span>
      </>
    );
  } else if (footprint.failed) {
    restore = footprint.firstFailureSignalAt
      ? `not restored yet (first failure signal ${formatUtc(
          footprint.firstFailureSignalAt,
        )})`
      : 'not restored yet';
  }

  return (
    <InfoCard
      title="DORA footprint"
      subheader="What this release adds to the delivery metrics"
      deepLink={{ title: 'How the metrics are defined', link: definitionsLink }}
    >
      {!footprint.isDeployment && (
        <Typography variant="body2" className={classes.muted} paragraph>
          {footprint.environment === 'production'
            ? 'This release has not started in production, so it does not count as a deployment yet.'
            : `Only production releases count towards the DORA metrics; this one ran in ${footprint.environment}.`}
        </Typography>
      )}
      <dl className={classes.facts}>
        <Fact label="Lead time per change">
          <LeadTimes leadTimesMs={footprint.leadTimesMs} />
        </Fact>
        <Fact label="Failed">
          {footprint.failed ? (
            <span className={classes.failed}>
              Yes —{' '}
              {footprint.failureCauses
                .map(c => CAUSE_LABELS[c] ?? c)
                .join(', ')}
            </span>
          ) : (
            'No'
          )}
        </Fact>
        <Fact label="Time to restore">{restore}</Fact>
        {footprint.isDeployment && (
          <Fact label="Rework">
            {footprint.isRework
              ? 'Yes — it fixes an incident or an earlier release'
              : 'No'}
          </Fact>
        )}
      </dl>
      <Typography variant="subtitle2" className={classes.incidents}>
        Attributed incidents ({footprint.incidents.length})
      </Typography>
      {footprint.incidents.length === 0 ? (
        <Typography variant="body2" className={classes.muted}>
          No incidents were attributed to this release.
        </Typography>
      ) : (
        <List dense disablePadding aria-label="Attributed incidents">
          {footprint.incidents.map(incident => (
            <ListItem key={incident.incidentId} disableGutters>
              <ListItemText
                primary={
                  <>
                    {[
                      incident.incidentId,
                      `(${incident.severity})`,
                      incident.title,
                    ]
                      .filter(Boolean)
                      .join(' ')}
                    <Chip
                      size="small"
                      variant="outlined"
                      className={classes.chip}
                      label={ATTRIBUTION_LABELS[incident.attribution]}
                      title={ATTRIBUTION_HELP[incident.attribution]}
                    />
                  </>
                }
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
