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

/** A gate's or check's verdict: passed, failed, inconclusive or running. */
export function GateStateChip(props: {
  state: CheckState;
  /** Whose verdict it is, for assistive technology: `gate` or `check`. */
  of: 'gate' | 'check';
  size?: 'small' | 'medium';
}) {
  const { state, of, size = 'small' } = props;
  const classes = useStyles();
  return (
    <Chip
      size={size}
      variant={state === 'running' ? 'outlined' : 'default'}
      className={classes[state]}
      label={state}
      aria-label={`${of} verdict: ${state}`}
    />
  );
}
