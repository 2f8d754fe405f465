import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type { GateCheckEvidence, GateMeasurementEvidence } from '../../api';
import { formatUtcSeconds } from '../../utils/format';
import { plural } from '../../utils/formatMetrics';
import { GateStateChip } from './GateStateChip';
import { MeasurementsChart, plottablePoints } from './MeasurementsChart';

const useStyles = makeStyles(
  theme => ({
    root: {
      padding: theme.spacing(1.5, 0),
      borderTop: `1px solid ${theme.palette.divider}`,
    },
    header: {
      display: 'flex',
      flexWrap: 'wrap',
      alignItems: 'center',
      gap: theme.spacing(1),
    },
    name: {
      fontFamily: 'monospace',
      fontWeight: theme.typography.fontWeightBold as number,
    },
    condition: { fontFamily: 'monospace' },
    dryRun: {
      '&&': {
        borderStyle: 'dashed',
        color: theme.palette.info.dark,
        borderColor: theme.palette.info.main,
      },
    },
    reason: { overflowWrap: 'anywhere', marginTop: theme.spacing(0.5) },
    muted: { color: theme.palette.text.secondary },
    problems: {
      margin: theme.spacing(1, 0, 0),
      paddingLeft: theme.spacing(2.5),
      fontSize: theme.typography.body2.fontSize,
    },
    problem: { overflowWrap: 'anywhere' },
    message: { fontFamily: 'monospace', whiteSpace: 'pre-wrap' },
    query: {
      marginTop: theme.spacing(1),
      fontSize: theme.typography.body2.fontSize,
      '& summary': { cursor: 'pointer', color: theme.palette.text.secondary },
    },
    pre: {
      fontFamily: 'monospace',
      fontSize: '0.75rem',
      whiteSpace: 'pre-wrap',
      overflowWrap: 'anywhere',
      margin: theme.spacing(0.5, 0, 0),
      padding: theme.spacing(1),
      backgroundColor: theme.palette.background.default,
      borderRadius: theme.shape.borderRadius,
    },
  }),
  { name: 'ReleaseLedgerCheckEvidence' },
);

const ERROR_TYPES: Record<string, string> = {
  bad_query: 'bad query',
  execution: 'query failed while running',
  timeout: 'timed out',
  unreachable: 'metrics backend unreachable',
  http: 'HTTP error',
  invalid_response: 'unreadable answer',
  multiple_series: 'several series where one number was needed',
};

/** Why a measurement could not be drawn: its error, no data, or an infinite value. */
function describeUnplotted(m: GateMeasurementEvidence): {
  what: string;
  message?: string;
} {
  const { result } = m;
  if (result.kind === 'error') {
    const type = ERROR_TYPES[result.errorType] ?? result.errorType;
    return {
      what: `error — ${type}${
        result.httpStatus ? ` (HTTP ${result.httpStatus})` : ''
      }`,
      message: result.message,
    };
  }
  if (result.kind === 'no-data') {
    return {
      what:
        result.cause === 'nan'
          ? 'no data — the value was NaN (e.g. no traffic to divide by)'
          : 'no data — the query selected no series',
    };
  }
  return {
    what: `value ${m.valueText ?? 'not a finite number'} (not drawn)`,
  };
}

function settingsLine(check: GateCheckEvidence): string {
  const parts = [`every ${check.interval}`, `${check.count} measurements`];
  if (check.failureLimit !== undefined) {
    parts.push(`failure limit ${check.failureLimit}`);
  }
  if (check.consecutiveSuccesses !== undefined) {
    parts.push(`${check.consecutiveSuccesses} in a row to pass`);
  }
  if (check.errorLimit !== undefined) {
    parts.push(`error limit ${check.errorLimit}`);
  }
  if (check.kind === 'query' && check.noDataPolicy) {
    parts.push(`no data counts as ${check.noDataPolicy}`);
  }
  return parts.join(' · ');
}

function tallyLine(check: GateCheckEvidence): string {
  const parts = [`${check.taken} of ${check.count} taken`];
  if (check.passes !== undefined) parts.push(`${check.passes} passed`);
  if (check.failures !== undefined) parts.push(`${check.failures} failed`);
  if (check.errors) parts.push(plural(check.errors, 'error'));
  if (check.noData) parts.push(`${check.noData} no data`);
  return parts.join(' · ');
}

/** The distinct queries as sent, each with the slots that sent it. */
function queriesSent(
  measurements: GateMeasurementEvidence[],
): Array<{ query: string; seqs: number[] }> {
  const bySeq = new Map<string, number[]>();
  for (const m of measurements) {
    bySeq.set(m.query, [...(bySeq.get(m.query) ?? []), m.seq]);
  }
  return [...bySeq].map(([query, seqs]) => ({ query, seqs }));
}

/**
 * One check of a gate: its condition, whether it is key and dry-run, its
 * verdict and reason, its measurements drawn against the threshold, the
 * measurements that could not be drawn with the provider's message, and
 * the queries exactly as sent.
 */
export function CheckEvidence(props: {
  check: GateCheckEvidence;
  /** Whether the check's gate has settled (see GateStateChip). */
  gateSettled?: boolean;
}) {
  const { check, gateSettled } = props;
  const classes = useStyles();
  const unplotted = check.measurements.filter(
    m =>
      m.result.kind !== 'value' ||
      !Number.isFinite(m.result.value) ||
      (check.kind === 'alert' && m.outcome === 'fail' && m.detail),
  );
  const queries = queriesSent(check.measurements);
  const hasValues = plottablePoints(check).length > 0;

  return (
    <section className={classes.root} aria-label={`Check ${check.name}`}>
      <div className={classes.header}>
        <Typography component="h4" variant="body1" className={classes.name}>
          {check.name}
        </Typography>
        {check.kind === 'query' ? (
          <Typography
            component="span"
            variant="body2"
            className={classes.condition}
          >
            {check.condition}
          </Typography>
        ) : (
          <Typography
            component="span"
            variant="body2"
            className={classes.muted}
          >
            fails while a release-gate alert fires
            {check.labels &&
              ` for ${Object.entries(check.labels)
                .map(([k, v]) => `${k}="${v}"`)
                .join(', ')}`}
          </Typography>
        )}
        <Chip
          size="small"
          variant="outlined"
          label={check.key ? 'key' : 'non-key'}
          title={
            check.key
              ? 'Failing this check fails the gate'
              : 'Failing this check does not fail the gate'
          }
        />
        {check.dryRun && (
          <Chip
            size="small"
            variant="outlined"
            className={classes.dryRun}
            label="dry run — not blocking"
          />
        )}
        <GateStateChip
          of="check"
          state={check.state}
          gateSettled={gateSettled}
        />
      </div>
      <Typography variant="body2" className={classes.reason}>
        {check.reason}
      </Typography>
      <Typography variant="caption" component="p" className={classes.muted}>
        {tallyLine(check)} · {settingsLine(check)}
      </Typography>
      {hasValues ? (
        <Box mt={1}>
          <MeasurementsChart check={check} />
        </Box>
      ) : (
        <Typography variant="body2" className={classes.muted}>
          {check.measurements.length === 0
            ? 'No measurements yet.'
            : 'No value was measured, so there is nothing to draw.'}
        </Typography>
      )}
      {unplotted.length > 0 && (
        <ul
          className={classes.problems}
          aria-label={`${check.name}: not drawn`}
        >
          {unplotted.map(m => {
            const { what, message } =
              m.result.kind === 'value' && Number.isFinite(m.result.value)
                ? { what: 'firing', message: m.detail }
                : describeUnplotted(m);
            return (
              <li key={m.seq} className={classes.problem}>
                <span className={classes.muted}>
                  #{m.seq} {formatUtcSeconds(m.at)}:
                </span>{' '}
                {what}
                {message && (
                  <>
                    : <span className={classes.message}>{message}</span>
                  </>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {queries.length > 0 && (
        <details className={classes.query}>
          <summary>
            {check.kind === 'alert' ? 'Alert selector' : 'Query'} as sent
          </summary>
          {queries.map(({ query, seqs }) => (
            <div key={query}>
              {queries.length > 1 && (
                <Typography variant="caption" className={classes.muted}>
                  {seqs.length === 1 ? 'measurement' : 'measurements'}{' '}
                  {seqs.map(s => `#${s}`).join(', ')}
                </Typography>
              )}
              <pre className={classes.pre}>{query}</pre>
            </div>
          ))}
        </details>
      )}
    </section>
  );
}
