import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import type { CheckState } from '@release-ledger/plugin-release-ledger-common';

const useStyles = makeStyles(
  theme => ({
    // Doubled class selector, so the colour wins over MuiChip's own.
    passed: {
      '&&': {
        backgroundColor: theme.palette.success.main,
        color: theme.palette.success.contrastText,
      },
    },
    failed: {
      '&&': {
        backgroundColor: theme.palette.error.main,
        color: theme.palette.error.contrastText,
      },
    },
    inconclusive: {
      '&&': {
        backgroundColor: theme.palette.warning.main,
        color: theme.palette.warning.contrastText,
      },
    },
    running: {
      '&&': {
        color: theme.palette.info.dark,
        borderColor: theme.palette.info.main,
      },
    },
  }),
  { name: 'ReleaseLedgerGateStateChip' },
);

/**
 * A gate's or check's verdict: passed, failed, inconclusive or running. A
 * check still running when its gate has settled (the gate failed fast) never
 * decided: it reads "not decided", not "running".
 */
export function GateStateChip(props: {
  state: CheckState;
  /** Whose verdict it is, for assistive technology: `gate` or `check`. */
  of: 'gate' | 'check';
  size?: 'small' | 'medium';
  /** Whether the gate this verdict belongs to has settled. */
  gateSettled?: boolean;
}) {
  const { state, of, size = 'small', gateSettled = false } = props;
  const classes = useStyles();
  const label = state === 'running' && gateSettled ? 'not decided' : state;
  return (
    <Chip
      size={size}
      variant={state === 'running' ? 'outlined' : 'default'}
      className={classes[state]}
      label={label}
      aria-label={`${of} verdict: ${label}`}
      title={
        label === 'not decided'
          ? 'The gate settled before this check had all its measurements'
          : undefined
      }
    />
  );
}
