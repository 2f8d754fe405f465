import { useId } from 'react';
import { useSearchParams } from 'react-router-dom';
import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  type MetricWindow,
  isMetricWindow,
} from '@release-ledger/plugin-release-ledger-common';
import { useMetrics } from '../../hooks/useMetrics';
import { DEFINITIONS_ANCHOR } from '../../hooks/useReleaseLink';
import { formatRelative } from '../../utils/format';
import { describeWindow, hasActivity } from '../../utils/formatMetrics';
import { RECORDING_RELEASES_DOCS_URL } from '../../utils/links';
import { LedgerStatusCard } from '../LedgerStatusCard';
import { DoraFigures } from '../MetricFigure';
import { MetricWindowPicker } from '../MetricWindowPicker';
import { WeeklyNote } from '../WeeklyNote';
import { MetricDefinitions } from './MetricDefinitions';
import { MetricsCharts } from './MetricsCharts';
import { TeamsTable } from './TeamsTable';
import { TopContributors } from './TopContributors';
import { UnattributedIncidents } from './UnattributedIncidents';

const DEFAULT_WINDOW: MetricWindow = '30d';

const useStyles = makeStyles(
  theme => ({
    toolbar: {
      display: 'flex',
      alignItems: 'center',
      flexWrap: 'wrap',
      gap: theme.spacing(2),
      marginBottom: theme.spacing(1),
    },
    spacer: { flexGrow: 1 },
    bandSet: { minWidth: 160 },
    caption: {
      color: theme.palette.text.secondary,
      marginBottom: theme.spacing(3),
    },
    stale: { opacity: 0.6, transition: 'opacity 150ms' },
  }),
  { name: 'ReleaseLedgerDeliveryMetrics' },
);

function BandSetPicker(props: {
  value?: string;
  options: string[];
  onChange: (bandSet: string) => void;
}) {
  const classes = useStyles();
  const id = useId();
  const options =
    props.value && !props.options.includes(props.value)
      ? [props.value, ...props.options]
      : props.options;
  return (
    <TextField
      id={id}
      select
      size="small"
      variant="outlined"
      label="Band set"
      className={classes.bandSet}
      value={props.value ?? ''}
      onChange={event => props.onChange(event.target.value)}
      SelectProps={{ native: true }}
      disabled={options.length === 0}
    >
      {options.map(name => (
        <option key={name} value={name}>
          {name}
        </option>
      ))}
    </TextField>
  );
}

/**
 * Delivery metrics for the whole organisation: headline figures, the week's
 * note, weekly charts, teams, top contributing systems, unattributed
 * incidents and definitions. The window and band set live in the query
 * string (`?window=90d&bandSet=dora-2021`), so a view can be shared.
 *
 * @public
 */
export function DeliveryMetrics() {
  const classes = useStyles();
  const [searchParams, setSearchParams] = useSearchParams();
  const windowParam = searchParams.get('window');
  const window = isMetricWindow(windowParam) ? windowParam : DEFAULT_WINDOW;
  const bandSetParam = searchParams.get('bandSet') || undefined;
  const { value, loading, error } = useMetrics({
    scope: 'org',
    window,
    bandSet: bandSetParam,
  });

  const setParam = (name: string, next: string) =>
    setSearchParams(
      params => {
        const updated = new URLSearchParams(params);
        updated.set(name, next);
        return updated;
      },
      { replace: true },
    );

  // On this page the definitions are below; keep the window and band set.
  const definitionsLink = `?${searchParams.toString()}#${DEFINITIONS_ANCHOR}`;

  let body;
  // With figures, the note sits right below them; otherwise at the end.
  let showsNote = false;
  if (error && !loading) {
    body = <ResponseErrorPanel error={error} title="Could not load metrics" />;
  } else if (!value) {
    body = <Progress />;
    showsNote = true; // once the figures are in
  } else if (!hasActivity(value.metrics)) {
    body = (
      <EmptyState
        missing="data"
        title={`No production releases in the ${describeWindow(window)}`}
        description="Delivery metrics are computed from the release events deploy pipelines post to Release Ledger. Pick a longer window, or start recording releases."
        action={
          <Link to={RECORDING_RELEASES_DOCS_URL}>How to record releases</Link>
        }
      />
    );
  } else {
    showsNote = true;
    body = (
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <InfoCard
            title="Headline figures"
            subheader={`Whole organisation, ${describeWindow(window)}`}
          >
            <DoraFigures
              metrics={value.metrics}
              definitionsLink={definitionsLink}
            />
          </InfoCard>
        </Grid>
        <Grid item xs={12} md={7}>
          <WeeklyNote />
        </Grid>
        <Grid item xs={12} md={5}>
          <TopContributors contributors={value.topContributors ?? []} />
        </Grid>
        <Grid item xs={12}>
          <MetricsCharts
            trend={value.metrics.trend}
            changeFailureRateTarget={value.changeFailureRateTarget}
          />
        </Grid>
        <Grid item xs={12}>
          <TeamsTable teams={value.teams ?? []} />
        </Grid>
        <Grid item xs={12}>
          <UnattributedIncidents incidents={value.unattributedIncidents} />
        </Grid>
      </Grid>
    );
  }

  return (
    <>
      <div className={classes.toolbar}>
        <Typography variant="h4" component="h2">
          Delivery metrics
        </Typography>
        <div className={classes.spacer} />
        <MetricWindowPicker
          value={window}
          onChange={next => setParam('window', next)}
        />
        <BandSetPicker
          value={value?.metrics.bandSet ?? bandSetParam}
          options={value?.bandSets ?? []}
          onChange={next => setParam('bandSet', next)}
        />
      </div>
      <Typography variant="body2" className={classes.caption}>
        Production releases across the organisation, {describeWindow(window)}
        {value &&
          `, banded with ${value.metrics.bandSet}; computed ${formatRelative(
            value.generatedAt,
          )}`}
        .
      </Typography>
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <div
            className={loading && value ? classes.stale : undefined}
            aria-busy={loading}
          >
            {body}
          </div>
        </Grid>
        {!showsNote && (
          <Grid item xs={12}>
            <WeeklyNote />
          </Grid>
        )}
        {/* Outside the figures: it matters most when they fail to load. */}
        <Grid item xs={12}>
          <LedgerStatusCard />
        </Grid>
        <Grid item xs={12}>
          <MetricDefinitions
            bandSet={value?.metrics.bandSet ?? bandSetParam}
            minSamples={value?.metrics.minSamples}
            ready={Boolean(value) || Boolean(error)}
          />
        </Grid>
      </Grid>
    </>
  );
}
