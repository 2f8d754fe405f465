import { useEffect, useRef } from 'react';
import { useLocation } from 'react-router-dom';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { InfoCard } from '@backstage/core-components';
import {
  BAND_NAMES,
  BAND_SETS,
  BANDED_METRIC_IDS,
  CONTRIBUTING_SYSTEMS_DEFINITION,
  METRIC_DEFINITIONS,
  METRIC_IDS,
  type BandName,
  type BandSet,
  type BandedMetricId,
} from '@release-ledger/plugin-release-ledger-common';
import { DEFINITIONS_ANCHOR } from '../../hooks/useReleaseLink';
import {
  formatMetricDuration,
  formatNumber,
  formatRate,
} from '../../utils/formatMetrics';

const HOUR_MS = 3_600_000;

const useStyles = makeStyles(
  theme => ({
    section: { scrollMarginTop: theme.spacing(2) },
    list: {
      margin: 0,
      ...theme.typography.body2,
      '& > div + div': { marginTop: theme.spacing(2) },
      '& dt': { fontWeight: 600 },
      '& dd': { margin: theme.spacing(0.5, 0, 0, 0) },
    },
    muted: { color: theme.palette.text.secondary },
    subheading: { marginTop: theme.spacing(3) },
    tableWrap: { overflowX: 'auto' },
  }),
  { name: 'ReleaseLedgerMetricDefinitions' },
);

/** A threshold in the metric's band unit, for humans. */
function formatThreshold(metric: BandedMetricId, value: number): string {
  switch (metric) {
    case 'deploymentFrequency':
      return `${formatNumber(value)} deploy days/week`;
    case 'changeFailureRate':
      return formatRate(value);
    default:
      return formatMetricDuration(value * HOUR_MS);
  }
}

/** What a band requires on a metric's ladder: `≤ 1 d`, `≥ 3 deploy days/week`, `otherwise`. */
export function describeBand(
  bandSet: BandSet,
  metric: BandedMetricId,
  band: BandName,
): string {
  const step = bandSet[metric].find(s => s.band === band);
  if (step) {
    return 'max' in step
      ? `≤ ${formatThreshold(metric, step.max)}`
      : `≥ ${formatThreshold(metric, step.min)}`;
  }
  return band === 'low' ? 'otherwise' : '—';
}

function BandTable(props: { bandSet: BandSet }) {
  const { bandSet } = props;
  const classes = useStyles();
  return (
    <div className={classes.tableWrap}>
      <Table size="small" aria-label={`Bands of ${bandSet.name}`}>
        <TableHead>
          <TableRow>
            <TableCell>Metric</TableCell>
            {BAND_NAMES.map(band => (
              <TableCell key={band} style={{ textTransform: 'capitalize' }}>
                {band}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {BANDED_METRIC_IDS.map(metric => (
            <TableRow key={metric}>
              <TableCell component="th" scope="row">
                {METRIC_DEFINITIONS[metric].title}
              </TableCell>
              {BAND_NAMES.map(band => (
                <TableCell key={band}>
                  {describeBand(bandSet, metric, band)}
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

/** @public */
export type MetricDefinitionsProps = {
  /** The band set the figures were banded with. */
  bandSet?: string;
  /** Fewest samples a figure needs for a band. */
  minSamples?: number;
  /** Scroll here when the URL asks for the definitions; set once the page above has its height. */
  ready?: boolean;
};

/**
 * How every figure is computed, the band thresholds of the built-in band
 * sets, and when a figure gets no band. Links elsewhere point at its anchor
 * (`#dora-definitions`).
 *
 * @public
 */
export function MetricDefinitions(props: MetricDefinitionsProps) {
  const { bandSet, minSamples, ready = true } = props;
  const classes = useStyles();
  const { hash } = useLocation();
  const ref = useRef<HTMLElement>(null);

  useEffect(() => {
    const element = ref.current;
    if (
      ready &&
      hash === `#${DEFINITIONS_ANCHOR}` &&
      typeof element?.scrollIntoView === 'function'
    ) {
      element.scrollIntoView({ block: 'start' });
    }
  }, [hash, ready]);

  const builtIn =
    bandSet && Object.hasOwn(BAND_SETS, bandSet)
      ? BAND_SETS[bandSet as keyof typeof BAND_SETS]
      : undefined;

  return (
    <section
      id={DEFINITIONS_ANCHOR}
      ref={ref}
      className={classes.section}
      aria-labelledby={`${DEFINITIONS_ANCHOR}-title`}
    >
      <InfoCard
        title={<span id={`${DEFINITIONS_ANCHOR}-title`}>Definitions</span>}
      >
        <dl className={classes.list}>
          {METRIC_IDS.map(metric => (
            <div key={metric}>
              <dt>{METRIC_DEFINITIONS[metric].title}</dt>
              <dd>{METRIC_DEFINITIONS[metric].definition}</dd>
              <dd className={classes.muted}>
                {METRIC_DEFINITIONS[metric].unbanded ?? (
                  <>
                    Banded on: {METRIC_DEFINITIONS[metric].unit}
                    {metric === 'leadTime' || metric === 'timeToRestore'
                      ? ' (the median)'
                      : ''}
                    .
                  </>
                )}
              </dd>
            </div>
          ))}
          <div>
            <dt>Top contributing systems</dt>
            <dd>{CONTRIBUTING_SYSTEMS_DEFINITION}</dd>
          </div>
        </dl>
        <Typography variant="body2" className={classes.subheading}>
          Every figure carries its sample size.
          {minSamples !== undefined
            ? ` A figure with fewer than ${minSamples} samples shows "not enough data" instead of a band.`
            : ' A figure with too few samples shows "not enough data" instead of a band.'}{' '}
          An incident belongs to a release when it names the release (explicit),
          or when it started within the attribution window after the entity's
          latest promotion (attributed within window); the rest are listed as
          unattributed. Only a SEV-1 or SEV-2 incident makes its release a
          failure and starts its time to restore.
        </Typography>
        {bandSet && (
          <>
            <Typography
              variant="h6"
              component="h3"
              className={classes.subheading}
            >
              Bands: {bandSet}
              {builtIn?.description ? ` (${builtIn.description})` : ''}
            </Typography>
            {builtIn ? (
              <BandTable bandSet={builtIn} />
            ) : (
              <Typography variant="body2" className={classes.muted}>
                A custom band set; its thresholds are configured in the
                backend's app-config under releaseLedger.metrics.bandSets.
              </Typography>
            )}
          </>
        )}
      </InfoCard>
    </section>
  );
}
