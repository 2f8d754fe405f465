import ToggleButton from '@material-ui/lab/ToggleButton';
import ToggleButtonGroup from '@material-ui/lab/ToggleButtonGroup';
import { makeStyles } from '@material-ui/core/styles';
import {
  METRIC_WINDOWS,
  type MetricWindow,
  isMetricWindow,
  windowDays,
} from '@release-ledger/plugin-release-ledger-common';

const useStyles = makeStyles(
  theme => ({
    button: {
      padding: theme.spacing(0.25, 1),
      textTransform: 'none',
      color: theme.palette.text.primary,
      // Doubled, to win over MuiToggleButton's own selected style.
      '&&.Mui-selected, &&.Mui-selected:hover': {
        color: theme.palette.primary.contrastText,
        backgroundColor: theme.palette.primary.main,
      },
    },
  }),
  { name: 'ReleaseLedgerMetricWindowPicker' },
);

/** @public */
export type MetricWindowPickerProps = {
  value: MetricWindow;
  onChange: (window: MetricWindow) => void;
};

/**
 * Picks the window metrics are computed over: 7, 30, 90 or 365 days.
 *
 * @public
 */
export function MetricWindowPicker(props: MetricWindowPickerProps) {
  const { value, onChange } = props;
  const classes = useStyles();
  return (
    <ToggleButtonGroup
      exclusive
      size="small"
      value={value}
      aria-label="Metrics window"
      onChange={(_event, next: unknown) => {
        // A click on the selected button deselects it; keep the window.
        if (isMetricWindow(next)) {
          onChange(next);
        }
      }}
    >
      {METRIC_WINDOWS.map(window => (
        <ToggleButton
          key={window}
          value={window}
          className={classes.button}
          aria-label={`Last ${windowDays(window)} days`}
          title={`Last ${windowDays(window)} days`}
        >
          {window}
        </ToggleButton>
      ))}
    </ToggleButtonGroup>
  );
}
