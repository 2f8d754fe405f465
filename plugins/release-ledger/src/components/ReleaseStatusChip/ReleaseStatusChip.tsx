import Chip from '@material-ui/core/Chip';
import { makeStyles, type Theme } from '@material-ui/core/styles';
import type {
  Release,
  ReleaseStatus,
} from '@release-ledger/plugin-release-ledger-common';

const STATUS_LABELS: Record<ReleaseStatus, string> = {
  pending: 'pending',
  started: 'started',
  canary: 'canary',
  promoted: 'promoted',
  rolled_back: 'rolled back',
  finished: 'finished',
};

const OUTCOME_LABELS: Record<NonNullable<Release['outcome']>, string> = {
  promoted: 'promoted',
  rolled_back: 'rolled back',
};

/** The chip's text, e.g. `canary` or `finished · rolled back`. */
export function releaseStatusLabel(
  release: Pick<Release, 'status' | 'outcome'>,
): string {
  const label = STATUS_LABELS[release.status] ?? String(release.status);
  if (release.status === 'finished' && release.outcome) {
    return `${label} · ${OUTCOME_LABELS[release.outcome] ?? release.outcome}`;
  }
  return label;
}

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
    pending: filled(theme, theme.palette.grey[400]),
    started: filled(theme, theme.palette.info.main),
    canary: filled(theme, theme.palette.warning.main),
    promoted: filled(theme, theme.palette.success.main),
    rolled_back: filled(theme, theme.palette.error.main),
    finished: filled(theme, theme.palette.grey[700]),
    outcomePromoted: {
      borderLeft: `6px solid ${theme.palette.success.main}`,
    },
    outcomeRolledBack: {
      borderLeft: `6px solid ${theme.palette.error.main}`,
    },
  }),
  { name: 'ReleaseLedgerStatusChip' },
);

/** @public */
export type ReleaseStatusChipProps = {
  release: Pick<Release, 'status' | 'outcome'>;
  size?: 'small' | 'medium';
};

/**
 * A release's status, one colour per status. Finished releases also name
 * their outcome ("finished · rolled back") and carry its colour as an edge.
 *
 * @public
 */
export function ReleaseStatusChip(props: ReleaseStatusChipProps) {
  const { release, size = 'small' } = props;
  const classes = useStyles();
  const statusClass = classes[release.status] ?? classes.pending;
  let outcomeClass = '';
  if (release.status === 'finished' && release.outcome === 'promoted') {
    outcomeClass = classes.outcomePromoted;
  } else if (
    release.status === 'finished' &&
    release.outcome === 'rolled_back'
  ) {
    outcomeClass = classes.outcomeRolledBack;
  }
  return (
    <Chip
      size={size}
      label={releaseStatusLabel(release)}
      className={`${classes.chip} ${statusClass} ${outcomeClass}`.trim()}
      data-status={release.status}
      data-outcome={release.outcome}
    />
  );
}
