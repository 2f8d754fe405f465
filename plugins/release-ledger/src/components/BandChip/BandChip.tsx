import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles, type Theme } from '@material-ui/core/styles';
import type {
  BandName,
  DoraFigure,
} from '@release-ledger/plugin-release-ledger-common';

const BAND_LABELS: Record<BandName, string> = {
  elite: 'Elite',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

// Doubled class selector, so the colour wins over MuiChip's own background
// whatever order the style sheets are injected in.
const filled = (theme: Theme, background: string) => ({
  '&&': {
    backgroundColor: background,
    color: theme.palette.getContrastText(background),
  },
});

const useStyles = makeStyles(
  theme => ({
    chip: {
      margin: 0,
      fontWeight: theme.typography.fontWeightMedium as number,
    },
    elite: filled(theme, theme.palette.success.dark),
    high: filled(theme, theme.palette.success.main),
    medium: filled(theme, theme.palette.warning.main),
    low: filled(theme, theme.palette.error.main),
    notEnoughData: {
      '&&': { color: theme.palette.text.secondary },
    },
  }),
  { name: 'ReleaseLedgerBandChip' },
);

/** @public */
export type BandChipProps = {
  figure: DoraFigure;
  /** Fewest samples a band needs, for the "not enough data" explanation. */
  minSamples?: number;
  /**
   * Why the figure's metric is never banded (its definition's `unbanded`):
   * with enough samples the chip says "no band" and explains why.
   */
  unbanded?: string;
  size?: 'small' | 'medium';
};

/**
 * A figure's performance band (elite, high, medium, low), one colour per
 * band; "not enough data (n = 3)" when the sample is too small for a band;
 * "no band" for a metric no band set ranks.
 *
 * @public
 */
export function BandChip(props: BandChipProps) {
  const { figure, minSamples, unbanded, size = 'small' } = props;
  const classes = useStyles();
  if (figure.notEnoughData) {
    const needed =
      minSamples !== undefined
        ? `A band needs at least ${minSamples} samples; this figure has ${figure.sampleSize}.`
        : `Too few samples (${figure.sampleSize}) for a band.`;
    return (
      <Tooltip title={needed}>
        <Chip
          size={size}
          variant="outlined"
          label={`not enough data (n = ${figure.sampleSize})`}
          className={`${classes.chip} ${classes.notEnoughData}`}
          data-band="none"
        />
      </Tooltip>
    );
  }
  if (!figure.band) {
    return unbanded ? (
      <Tooltip title={unbanded}>
        <Chip
          size={size}
          variant="outlined"
          label="no band"
          className={`${classes.chip} ${classes.notEnoughData}`}
          data-band="none"
        />
      </Tooltip>
    ) : null;
  }
  return (
    <Chip
      size={size}
      label={BAND_LABELS[figure.band] ?? figure.band}
      className={`${classes.chip} ${classes[figure.band] ?? ''}`.trim()}
      data-band={figure.band}
    />
  );
}
