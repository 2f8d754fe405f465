import { useId } from 'react';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  METRIC_DEFINITIONS,
  METRIC_IDS,
  type DoraMetrics,
  type DoraTrendPoint,
  type MetricId,
} from '@release-ledger/plugin-release-ledger-common';
import { describeFigure, formatSampleSize } from '../../utils/formatMetrics';
import { BandChip } from '../BandChip';
import { MetricDefinitionButton } from './MetricDefinitionButton';
import { MetricSparkline } from './MetricSparkline';

const useStyles = makeStyles(
  theme => ({
    // Two groups of figures (deployment frequency and lead time; change
    // failure rate, time to restore and rework rate): side by side when
    // there is room, one above the other when there is not, each in one row
    // unless it is too narrow for its figures.
    grid: {
      display: 'grid',
      gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 400px), 1fr))',
      gap: theme.spacing(2),
    },
    group: {
      display: 'grid',
      gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 150px), 1fr))',
      gap: theme.spacing(2),
    },
    tile: {
      display: 'flex',
      flexDirection: 'column',
      gap: theme.spacing(0.5),
      minWidth: 0,
      padding: theme.spacing(1.5, 2),
      border: `1px solid ${theme.palette.divider}`,
      borderRadius: theme.shape.borderRadius,
    },
    title: {
      display: 'flex',
      alignItems: 'center',
      color: theme.palette.text.secondary,
    },
    value: {
      margin: 0,
      lineHeight: 1.2,
      overflowWrap: 'anywhere',
    },
    number: {
      fontSize: '1.75rem',
      fontWeight: theme.typography.fontWeightMedium as number,
    },
    unit: {
      fontSize: '1rem',
      color: theme.palette.text.secondary,
    },
    detail: { color: theme.palette.text.secondary },
    footer: {
      display: 'flex',
      alignItems: 'center',
      flexWrap: 'wrap',
      gap: theme.spacing(1),
    },
    sample: { color: theme.palette.text.secondary },
  }),
  { name: 'ReleaseLedgerMetricFigure' },
);

/** Splits `4.2 deploys/week` into the number and its unit. */
function splitValue(value: string): [string, string] {
  const space = value.indexOf(' ');
  return space < 0 ? [value, ''] : [value.slice(0, space), value.slice(space)];
}

/** @public */
export type MetricFigureProps = {
  metric: MetricId;
  metrics: Omit<DoraMetrics, 'trend'>;
  /** Weekly trend for the sparkline; no sparkline when absent. */
  trend?: DoraTrendPoint[];
  /** Where the definition popover's "All definitions" link points. */
  definitionsLink?: string;
};

/**
 * One DORA figure: its value for humans, band chip (or "not enough data"),
 * sample size, weekly sparkline and definition.
 *
 * @public
 */
export function MetricFigure(props: MetricFigureProps) {
  const { metric, metrics, trend, definitionsLink } = props;
  const classes = useStyles();
  const figure = metrics[metric];
  const { title, unbanded } = METRIC_DEFINITIONS[metric];
  const { value, detail } = describeFigure(metric, metrics);
  const [number, unit] = splitValue(value);
  const headingId = useId();
  return (
    <section className={classes.tile} aria-labelledby={headingId}>
      <div className={classes.title}>
        <Typography variant="subtitle2" component="h3" id={headingId}>
          {title}
        </Typography>
        <MetricDefinitionButton
          metric={metric}
          definitionsLink={definitionsLink}
        />
      </div>
      <p className={classes.value}>
        <span className={classes.number}>{number}</span>
        {unit && <span className={classes.unit}>{unit}</span>}
      </p>
      <Typography variant="body2" className={classes.detail}>
        {detail}
      </Typography>
      <div className={classes.footer}>
        <BandChip
          figure={figure}
          minSamples={metrics.minSamples}
          unbanded={unbanded}
        />
        <Typography variant="caption" className={classes.sample}>
          Sample: {formatSampleSize(metric, figure.sampleSize)}
        </Typography>
      </div>
      {trend && <MetricSparkline metric={metric} trend={trend} />}
    </section>
  );
}

/** @public */
export type DoraFiguresProps = {
  metrics: DoraMetrics;
  definitionsLink?: string;
};

/** Every metric once, in METRIC_IDS order: how fast, then how safely. */
const GROUPS = [METRIC_IDS.slice(0, 2), METRIC_IDS.slice(2)];

/**
 * The five DORA figures side by side, wrapping to fit the space they get.
 *
 * @public
 */
export function DoraFigures(props: DoraFiguresProps) {
  const { metrics, definitionsLink } = props;
  const classes = useStyles();
  return (
    <div className={classes.grid}>
      {GROUPS.map(group => (
        <div key={group.join()} className={classes.group}>
          {group.map(metric => (
            <MetricFigure
              key={metric}
              metric={metric}
              metrics={metrics}
              trend={metrics.trend}
              definitionsLink={definitionsLink}
            />
          ))}
        </div>
      ))}
    </div>
  );
}
