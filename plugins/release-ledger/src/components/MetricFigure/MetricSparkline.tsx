import { useTheme } from '@material-ui/core/styles';
import {
  METRIC_DEFINITIONS,
  type DoraTrendPoint,
  type MetricId,
} from '@release-ledger/plugin-release-ledger-common';
import {
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip as ChartTooltip,
  YAxis,
} from 'recharts';
import {
  formatMetricDuration,
  formatNumber,
  formatWeek,
  toHours,
} from '../../utils/formatMetrics';

const HOUR_MS = 3_600_000;

type SparkPoint = { weekStart: string; value: number | null };

/** The weekly value a metric's sparkline draws; `null` for weeks without one. */
export function sparklineValue(
  metric: MetricId,
  point: DoraTrendPoint,
): number | null {
  switch (metric) {
    case 'deploymentFrequency':
      return point.deploys;
    case 'leadTime':
      return toHours(point.leadTimeP50Ms);
    case 'changeFailureRate':
      return point.changeFailureRate === undefined
        ? null
        : point.changeFailureRate * 100;
    case 'timeToRestore':
      return toHours(point.timeToRestoreP50Ms);
    case 'reworkRate':
      return point.reworkRate === undefined ? null : point.reworkRate * 100;
    default:
      return null;
  }
}

function formatSparkValue(metric: MetricId, value: number): string {
  switch (metric) {
    case 'deploymentFrequency':
      return `${formatNumber(value)} deploys`;
    case 'changeFailureRate':
    case 'reworkRate':
      return `${formatNumber(value)} %`;
    default:
      return `median ${formatMetricDuration(value * HOUR_MS)}`;
  }
}

/** @public */
export type MetricSparklineProps = {
  metric: MetricId;
  trend: DoraTrendPoint[];
  height?: number;
};

/**
 * A metric's weekly trend as a small line; nothing with fewer than two weeks.
 *
 * @public
 */
export function MetricSparkline(props: MetricSparklineProps) {
  const { metric, trend, height = 40 } = props;
  const theme = useTheme();
  if (trend.length < 2) {
    return null;
  }
  const data: SparkPoint[] = trend.map(point => ({
    weekStart: point.weekStart,
    value: sparklineValue(metric, point),
  }));
  return (
    <div
      role="img"
      aria-label={`Weekly trend of ${METRIC_DEFINITIONS[
        metric
      ].title.toLocaleLowerCase('en-US')} over ${trend.length} weeks`}
      style={{ width: '100%', height }}
    >
      {/* A start size, so the chart also draws where nothing measures it (tests). */}
      <ResponsiveContainer
        width="100%"
        height={height}
        initialDimension={{ width: 200, height }}
      >
        <LineChart
          data={data}
          margin={{ top: 4, right: 2, bottom: 4, left: 2 }}
        >
          <YAxis hide domain={[0, 'auto']} />
          <ChartTooltip
            cursor={false}
            formatter={value =>
              typeof value === 'number' ? formatSparkValue(metric, value) : '—'
            }
            labelFormatter={(_label, payload) => {
              const week = payload?.[0]?.payload?.weekStart;
              return week ? `Week of ${formatWeek(week)}` : '';
            }}
            wrapperStyle={{ zIndex: theme.zIndex.tooltip, fontSize: 12 }}
          />
          <Line
            type="monotone"
            dataKey="value"
            name={METRIC_DEFINITIONS[metric].title}
            stroke={theme.palette.primary.main}
            strokeWidth={2}
            dot={false}
            connectNulls
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
