import { makeStyles, useTheme } from '@material-ui/core/styles';
import {
  type GateCondition,
  type MeasurementOutcome,
  formatGateValue,
  parseCondition,
} from '@release-ledger/plugin-release-ledger-common';
import {
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceArea,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { GateCheckEvidence } from '../../api';

const CHART_HEIGHT = 160;

/** A measured value, placed in time. */
type Point = {
  t: number;
  value: number;
  seq: number;
  outcome: MeasurementOutcome;
};

const useStyles = makeStyles(
  theme => ({
    tooltip: {
      padding: theme.spacing(0.75, 1),
      background: theme.palette.background.paper,
      border: `1px solid ${theme.palette.divider}`,
      borderRadius: theme.shape.borderRadius,
      fontSize: '0.8125rem',
      '& p': { margin: 0 },
    },
    legend: {
      display: 'flex',
      flexWrap: 'wrap',
      gap: theme.spacing(2),
      fontSize: '0.75rem',
      color: theme.palette.text.secondary,
      margin: 0,
      padding: 0,
      listStyle: 'none',
    },
    swatch: {
      display: 'inline-block',
      width: 8,
      height: 8,
      borderRadius: '50%',
      marginRight: theme.spacing(0.5),
    },
  }),
  { name: 'ReleaseLedgerMeasurementsChart' },
);

/** `10:05 UTC` from epoch milliseconds. */
export function hhmm(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 16)} UTC`;
}

/** `10:05:30` from epoch milliseconds: axis ticks of checks measured seconds apart. */
export function hhmmss(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** The check's condition, or undefined for alert checks and unreadable text. */
export function conditionOf(
  check: Pick<GateCheckEvidence, 'condition'>,
): GateCondition | undefined {
  if (!check.condition) {
    return undefined;
  }
  try {
    return parseCondition(check.condition);
  } catch {
    return undefined;
  }
}

/** Measurements with a finite value; no data, errors and ±Inf cannot be drawn. */
export function plottablePoints(check: GateCheckEvidence): Point[] {
  return check.measurements.flatMap(m =>
    m.result.kind === 'value' &&
    typeof m.result.value === 'number' &&
    Number.isFinite(m.result.value)
      ? [
          {
            t: Date.parse(m.at),
            value: m.result.value,
            seq: m.seq,
            outcome: m.outcome,
          },
        ]
      : [],
  );
}

function PointTooltip(props: {
  active?: boolean;
  payload?: ReadonlyArray<{ payload?: unknown }>;
}) {
  const classes = useStyles();
  const point = props.payload?.[0]?.payload as Point | undefined;
  if (!props.active || !point) {
    return null;
  }
  return (
    <div className={classes.tooltip}>
      <p>
        #{point.seq} at {hhmm(point.t)}
      </p>
      <p>
        {formatGateValue(point.value)} — {point.outcome}
      </p>
    </div>
  );
}

/**
 * A check's measured values over time against its threshold (a line) or
 * range (a band), each point coloured by how it counted.
 */
export function MeasurementsChart(props: { check: GateCheckEvidence }) {
  const { check } = props;
  const theme = useTheme();
  const classes = useStyles();
  const points = plottablePoints(check);
  const condition = conditionOf(check);
  const colours: Record<MeasurementOutcome, string> = {
    pass: theme.palette.success.main,
    fail: theme.palette.error.main,
    'no-data': theme.palette.text.disabled,
    error: theme.palette.warning.main,
  };
  const times = points.map(p => p.t);
  const first = Math.min(...times);
  const last = Math.max(...times);
  // Room around the first and last dots (and around a single one).
  const pad = Math.max(30_000, (last - first) * 0.05);
  const xDomain = [first - pad, last + pad];
  // Rates and counts read best from zero; a range or negative values do not.
  const fromZero =
    condition?.op !== 'between' &&
    points.every(p => p.value >= 0) &&
    (condition === undefined || condition.value >= 0);
  const yDomain: [number | 'auto', 'auto'] = fromZero
    ? [0, 'auto']
    : ['auto', 'auto'];
  const outcomes = (['pass', 'fail'] as const).filter(o =>
    points.some(p => p.outcome === o),
  );
  const against =
    check.kind === 'alert'
      ? 'firing release-gate alerts (0 passes)'
      : `the condition ${check.condition ?? 'unknown'}`;

  return (
    <>
      <div
        role="img"
        aria-label={`${check.name}: ${points.length} measured ${
          points.length === 1 ? 'value' : 'values'
        } over time against ${against}`}
      >
        <ResponsiveContainer
          width="100%"
          height={CHART_HEIGHT}
          initialDimension={{ width: 480, height: CHART_HEIGHT }}
        >
          <ComposedChart data={points} margin={{ top: 12, right: 28 }}>
            <CartesianGrid
              strokeDasharray="3 3"
              stroke={theme.palette.divider}
            />
            <XAxis
              dataKey="t"
              type="number"
              scale="time"
              domain={xDomain}
              // Checks often measure every few seconds: minutes would repeat.
              tickFormatter={hhmmss}
              tick={{ fontSize: 11, fill: theme.palette.text.secondary }}
              stroke={theme.palette.divider}
            />
            <YAxis
              width={56}
              tickFormatter={formatGateValue}
              tick={{ fontSize: 11, fill: theme.palette.text.secondary }}
              stroke={theme.palette.divider}
              allowDecimals={check.kind !== 'alert'}
              domain={yDomain}
            />
            <Tooltip content={<PointTooltip />} />
            {condition?.op === 'between' && (
              <ReferenceArea
                y1={condition.min}
                y2={condition.max}
                ifOverflow="extendDomain"
                fill={theme.palette.success.main}
                fillOpacity={0.12}
                stroke={theme.palette.success.main}
                strokeDasharray="4 4"
                label={{
                  value: check.condition,
                  position: 'insideTopRight',
                  fill: theme.palette.text.secondary,
                  fontSize: 11,
                }}
              />
            )}
            {condition && condition.op !== 'between' && (
              <ReferenceLine
                y={condition.value}
                ifOverflow="extendDomain"
                stroke={theme.palette.error.main}
                strokeDasharray="6 4"
                label={{
                  value: check.condition,
                  position: 'insideTopRight',
                  fill: theme.palette.error.main,
                  fontSize: 11,
                }}
              />
            )}
            <Line
              dataKey="value"
              stroke={theme.palette.text.secondary}
              strokeWidth={1}
              isAnimationActive={false}
              dot={(dot: { cx?: number; cy?: number; payload?: Point }) => (
                <circle
                  key={`${dot.payload?.seq}`}
                  cx={dot.cx}
                  cy={dot.cy}
                  r={4}
                  fill={colours[dot.payload?.outcome ?? 'pass']}
                  stroke={theme.palette.background.paper}
                />
              )}
              activeDot={{ r: 5 }}
            />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      {outcomes.length > 0 && (
        <ul className={classes.legend} aria-label="Point colours">
          {outcomes.map(outcome => (
            <li key={outcome}>
              <span
                className={classes.swatch}
                style={{ backgroundColor: colours[outcome] }}
              />
              {outcome === 'pass' ? 'passed' : 'failed'}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
