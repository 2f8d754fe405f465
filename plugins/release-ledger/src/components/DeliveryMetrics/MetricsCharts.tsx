import type { ReactElement } from 'react';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { makeStyles, useTheme } from '@material-ui/core/styles';
import { InfoCard } from '@backstage/core-components';
import type { DoraTrendPoint } from '@release-ledger/plugin-release-ledger-common';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import {
  HOUR_STEPS,
  PERCENT_STEPS,
  formatMetricDuration,
  formatRate,
  niceTicks,
  formatWeek,
  plural,
  toHours,
} from '../../utils/formatMetrics';

const HOUR_MS = 3_600_000;
const CHART_HEIGHT = 240;

/** One week, in the units the charts draw: percent and hours. */
export type ChartPoint = {
  week: string;
  partial: boolean;
  deploys: number;
  deployDays: number;
  deployments: number;
  failures: number;
  changes: number;
  restored: number;
  reworkDeployments: number;
  cfrPercent: number | null;
  reworkPercent: number | null;
  leadTimeP50: number | null;
  leadTimeP90: number | null;
  ttrP50: number | null;
  ttrP95: number | null;
  /** p50 to p95, drawn as a floating bar. */
  ttrSpread: [number, number] | null;
};

export function toChartPoints(trend: DoraTrendPoint[]): ChartPoint[] {
  return trend.map(point => {
    const ttrP50 = toHours(point.timeToRestoreP50Ms);
    const ttrP95 = toHours(point.timeToRestoreP95Ms);
    return {
      week: formatWeek(point.weekStart),
      partial: point.partial,
      deploys: point.deploys,
      deployDays: point.deployDays,
      deployments: point.deployments,
      failures: point.failures,
      changes: point.changes,
      restored: point.restored,
      reworkDeployments: point.reworkDeployments,
      cfrPercent:
        point.changeFailureRate === undefined
          ? null
          : point.changeFailureRate * 100,
      reworkPercent:
        point.reworkRate === undefined ? null : point.reworkRate * 100,
      leadTimeP50: toHours(point.leadTimeP50Ms),
      leadTimeP90: toHours(point.leadTimeP90Ms),
      ttrP50,
      ttrP95,
      ttrSpread: ttrP50 === null || ttrP95 === null ? null : [ttrP50, ttrP95],
    };
  });
}

const hoursText = (hours: number) =>
  hours === 0 ? '0' : formatMetricDuration(hours * HOUR_MS);

/** The largest value of some fields over the points; 0 without any. */
function maxOf(points: ChartPoint[], keys: Array<keyof ChartPoint>): number {
  let max = 0;
  for (const point of points) {
    for (const key of keys) {
      const value = point[key];
      if (typeof value === 'number' && value > max) {
        max = value;
      }
    }
  }
  return max;
}

const useStyles = makeStyles(
  theme => ({
    tooltip: {
      padding: theme.spacing(1, 1.5),
      background: theme.palette.background.paper,
      border: `1px solid ${theme.palette.divider}`,
      borderRadius: theme.shape.borderRadius,
      boxShadow: theme.shadows[2],
      fontSize: '0.8125rem',
      '& p': { margin: 0 },
    },
    tooltipTitle: { fontWeight: theme.typography.fontWeightMedium as number },
    note: { color: theme.palette.text.secondary, marginTop: theme.spacing(1) },
  }),
  { name: 'ReleaseLedgerMetricsCharts' },
);

/** A tooltip of plain lines for one week. */
function WeekTooltip(props: {
  active?: boolean;
  payload?: ReadonlyArray<{ payload?: unknown }>;
  lines: (point: ChartPoint) => Array<string | false | undefined>;
}) {
  const classes = useStyles();
  const point = props.payload?.[0]?.payload as ChartPoint | undefined;
  if (!props.active || !point) {
    return null;
  }
  return (
    <div className={classes.tooltip}>
      <p className={classes.tooltipTitle}>
        Week of {point.week}
        {point.partial ? ' (partial)' : ''}
      </p>
      {props.lines(point).map(line => line && <p key={line}>{line}</p>)}
    </div>
  );
}

/** A chart in a card, sized before it is measured so it also draws in tests. */
function ChartCard(props: {
  title: string;
  subheader?: string;
  description: string;
  children: ReactElement;
}) {
  return (
    <InfoCard title={props.title} subheader={props.subheader}>
      <div role="img" aria-label={props.description}>
        <ResponsiveContainer
          width="100%"
          height={CHART_HEIGHT}
          initialDimension={{ width: 480, height: CHART_HEIGHT }}
        >
          {props.children}
        </ResponsiveContainer>
      </div>
    </InfoCard>
  );
}

/** @public */
export type MetricsChartsProps = {
  trend: DoraTrendPoint[];
  /** A fraction, e.g. 0.15. */
  changeFailureRateTarget: number;
};

/**
 * The weekly trend as four charts: change failure rate against its target
 * with the deployment rework rate (both shares of the week's deployments),
 * lead time p50/p90, time to restore p50–p95 and deployments per week.
 *
 * @public
 */
export function MetricsCharts(props: MetricsChartsProps) {
  const { trend, changeFailureRateTarget } = props;
  const theme = useTheme();
  const classes = useStyles();
  const data = toChartPoints(trend);
  const targetPercent = changeFailureRateTarget * 100;
  const cfrTicks = niceTicks(
    Math.min(
      100,
      Math.max(maxOf(data, ['cfrPercent', 'reworkPercent']), targetPercent) *
        1.1,
    ),
    PERCENT_STEPS,
  );
  const leadTimeTicks = niceTicks(
    maxOf(data, ['leadTimeP50', 'leadTimeP90']),
    HOUR_STEPS,
  );
  const ttrTicks = niceTicks(maxOf(data, ['ttrP50', 'ttrP95']), HOUR_STEPS);
  const weeks = plural(data.length, 'week');
  const axisProps = {
    tick: { fontSize: 12, fill: theme.palette.text.secondary },
    stroke: theme.palette.divider,
  };
  const grid = (
    <CartesianGrid strokeDasharray="3 3" stroke={theme.palette.divider} />
  );
  const xAxis = <XAxis dataKey="week" {...axisProps} />;
  const primary = theme.palette.primary.main;
  const secondary = theme.palette.secondary.main;

  return (
    <>
      <Grid container spacing={3}>
        <Grid item xs={12} md={6}>
          <ChartCard
            title="Change failure rate and rework rate"
            subheader={`Weekly shares of deployments, against the failure target of ${formatRate(
              changeFailureRateTarget,
            )}`}
            description={`Weekly change failure rate and deployment rework rate over ${weeks} against a change failure rate target of ${formatRate(
              changeFailureRateTarget,
            )}`}
          >
            <LineChart data={data} margin={{ top: 16, right: 16 }}>
              {grid}
              {xAxis}
              <YAxis
                {...axisProps}
                width={48}
                unit=" %"
                ticks={cfrTicks}
                domain={[0, cfrTicks[cfrTicks.length - 1]]}
              />
              <Tooltip
                content={
                  <WeekTooltip
                    lines={p => [
                      p.cfrPercent === null
                        ? 'No deployments'
                        : `${formatRate(p.cfrPercent / 100)}: ${
                            p.failures
                          } of ${plural(p.deployments, 'deployment')} failed`,
                      p.reworkPercent !== null &&
                        `Rework ${formatRate(p.reworkPercent / 100)}: ${
                          p.reworkDeployments
                        } fixed an incident or a release`,
                      `Target ${formatRate(changeFailureRateTarget)}`,
                    ]}
                  />
                }
              />
              <ReferenceLine
                y={targetPercent}
                stroke={theme.palette.error.main}
                strokeDasharray="6 4"
                label={{
                  value: `target ${formatRate(changeFailureRateTarget)}`,
                  position: 'insideTopRight',
                  fill: theme.palette.error.main,
                  fontSize: 12,
                }}
              />
              <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
              <Line
                type="monotone"
                dataKey="cfrPercent"
                name="change failure rate"
                stroke={primary}
                strokeWidth={2}
                connectNulls
                isAnimationActive={false}
              />
              <Line
                type="monotone"
                dataKey="reworkPercent"
                name="rework rate"
                stroke={secondary}
                strokeWidth={2}
                strokeDasharray="5 3"
                connectNulls
                isAnimationActive={false}
              />
            </LineChart>
          </ChartCard>
        </Grid>
        <Grid item xs={12} md={6}>
          <ChartCard
            title="Lead time for changes"
            subheader="Weekly median and p90, merge to promotion"
            description={`Weekly lead time median and p90 over ${weeks}`}
          >
            <LineChart data={data} margin={{ top: 16, right: 16 }}>
              {grid}
              {xAxis}
              <YAxis
                {...axisProps}
                width={56}
                tickFormatter={hoursText}
                ticks={leadTimeTicks}
                domain={[0, leadTimeTicks[leadTimeTicks.length - 1]]}
              />
              <Tooltip
                content={
                  <WeekTooltip
                    lines={p => [
                      p.leadTimeP50 === null
                        ? 'No changes promoted'
                        : `Median ${hoursText(p.leadTimeP50)}`,
                      p.leadTimeP90 !== null &&
                        `p90 ${hoursText(p.leadTimeP90)}`,
                      plural(p.changes, 'change'),
                    ]}
                  />
                }
              />
              <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
              <Line
                type="monotone"
                dataKey="leadTimeP50"
                name="median"
                stroke={primary}
                strokeWidth={2}
                connectNulls
                isAnimationActive={false}
              />
              <Line
                type="monotone"
                dataKey="leadTimeP90"
                name="p90"
                stroke={secondary}
                strokeWidth={2}
                strokeDasharray="5 3"
                connectNulls
                isAnimationActive={false}
              />
            </LineChart>
          </ChartCard>
        </Grid>
        <Grid item xs={12} md={6}>
          <ChartCard
            title="Time to restore"
            subheader="Weekly spread from median (p50) to p95"
            description={`Weekly time to restore, median to p95, over ${weeks}`}
          >
            <ComposedChart data={data} margin={{ top: 16, right: 16 }}>
              {grid}
              {xAxis}
              <YAxis
                {...axisProps}
                width={56}
                tickFormatter={hoursText}
                ticks={ttrTicks}
                domain={[0, ttrTicks[ttrTicks.length - 1]]}
              />
              <Tooltip
                content={
                  <WeekTooltip
                    lines={p => [
                      p.ttrP50 === null
                        ? 'No failures restored'
                        : `Median ${hoursText(p.ttrP50)}`,
                      p.ttrP95 !== null && `p95 ${hoursText(p.ttrP95)}`,
                      plural(p.restored, 'restored failure'),
                    ]}
                  />
                }
              />
              <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
              <Bar
                dataKey="ttrSpread"
                name="p50 – p95"
                fill={secondary}
                fillOpacity={0.35}
                barSize={18}
                isAnimationActive={false}
              />
              <Line
                type="monotone"
                dataKey="ttrP50"
                name="median"
                stroke={primary}
                strokeWidth={2}
                connectNulls
                isAnimationActive={false}
              />
            </ComposedChart>
          </ChartCard>
        </Grid>
        <Grid item xs={12} md={6}>
          <ChartCard
            title="Deployment frequency"
            subheader="Promotions to production and deploy days per week"
            description={`Deploys and deploy days per week over ${weeks}`}
          >
            <BarChart data={data} margin={{ top: 16, right: 16 }}>
              {grid}
              {xAxis}
              <YAxis {...axisProps} width={40} allowDecimals={false} />
              <Tooltip
                content={
                  <WeekTooltip
                    lines={p => [
                      plural(p.deploys, 'deploy'),
                      plural(p.deployDays, 'deploy day'),
                    ]}
                  />
                }
              />
              <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
              <Bar
                dataKey="deploys"
                name="deploys"
                fill={primary}
                isAnimationActive={false}
              />
              <Bar
                dataKey="deployDays"
                name="deploy days"
                fill={secondary}
                isAnimationActive={false}
              />
            </BarChart>
          </ChartCard>
        </Grid>
      </Grid>
      {data.some(p => p.partial) && (
        <Typography variant="caption" component="p" className={classes.note}>
          Weeks run Monday to Sunday (UTC). The first and last weeks can be
          partial: they count only the days inside the window.
        </Typography>
      )}
    </>
  );
}
