import type { ReactElement } from 'react';
import Typography from '@material-ui/core/Typography';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles } from '@material-ui/core/styles';
import Timeline from '@material-ui/lab/Timeline';
import TimelineItem from '@material-ui/lab/TimelineItem';
import TimelineSeparator from '@material-ui/lab/TimelineSeparator';
import TimelineConnector from '@material-ui/lab/TimelineConnector';
import TimelineContent from '@material-ui/lab/TimelineContent';
import TimelineDot from '@material-ui/lab/TimelineDot';
import TimelineOppositeContent from '@material-ui/lab/TimelineOppositeContent';
import CallMergeIcon from '@material-ui/icons/CallMerge';
import PlayArrowIcon from '@material-ui/icons/PlayArrow';
import CheckIcon from '@material-ui/icons/Check';
import CloseIcon from '@material-ui/icons/Close';
import UndoIcon from '@material-ui/icons/Undo';
import FlagIcon from '@material-ui/icons/Flag';
import ReportProblemIcon from '@material-ui/icons/ReportProblem';
import ToggleOnIcon from '@material-ui/icons/ToggleOn';
import NoteIcon from '@material-ui/icons/Note';
import DoneAllIcon from '@material-ui/icons/DoneAll';
import TrendingUpIcon from '@material-ui/icons/TrendingUp';
import HelpOutlineIcon from '@material-ui/icons/HelpOutline';
import type {
  ReleaseEvent,
  ReleaseEventType,
} from '@release-ledger/plugin-release-ledger-common';
import { formatRelative, formatUtcSeconds } from '../../utils/format';
import { describeEvent, type EventKind } from './describeEvent';

const ICONS: Record<ReleaseEventType, ReactElement> = {
  pr_merged: <CallMergeIcon fontSize="small" />,
  release_started: <PlayArrowIcon fontSize="small" />,
  canary_started: <TrendingUpIcon fontSize="small" />,
  canary_passed: <CheckIcon fontSize="small" />,
  gate_evaluated: <HelpOutlineIcon fontSize="small" />,
  gate_failed: <CloseIcon fontSize="small" />,
  promoted: <DoneAllIcon fontSize="small" />,
  rolled_back: <UndoIcon fontSize="small" />,
  release_finished: <FlagIcon fontSize="small" />,
  incident_started: <ReportProblemIcon fontSize="small" />,
  incident_resolved: <CheckIcon fontSize="small" />,
  slo_restored: <CheckIcon fontSize="small" />,
  flag_toggled: <ToggleOnIcon fontSize="small" />,
  checklist_item_checked: <CheckIcon fontSize="small" />,
  note_added: <NoteIcon fontSize="small" />,
};

const useStyles = makeStyles(
  theme => ({
    timeline: { margin: 0, padding: theme.spacing(1, 0) },
    opposite: {
      flex: '0 0 190px',
      paddingLeft: 0,
      textAlign: 'right',
      whiteSpace: 'nowrap',
    },
    success: {
      backgroundColor: theme.palette.success.main,
      color: theme.palette.success.contrastText,
    },
    failure: {
      backgroundColor: theme.palette.error.main,
      color: theme.palette.error.contrastText,
    },
    warning: {
      backgroundColor: theme.palette.warning.main,
      color: theme.palette.warning.contrastText,
    },
    info: {
      backgroundColor: theme.palette.info.main,
      color: theme.palette.info.contrastText,
    },
    detail: { overflowWrap: 'anywhere' },
  }),
  { name: 'ReleaseLedgerTimeline' },
);

/** @public */
export type ReleaseTimelineProps = {
  /** The release's events; shown in time order whatever order they come in. */
  events: ReleaseEvent[];
  /** "Now" for relative times; defaults to the current time. */
  now?: number;
};

/**
 * A release's events in time order, one line per event, with an absolute UTC
 * and a relative time.
 *
 * @public
 */
export function ReleaseTimeline(props: ReleaseTimelineProps) {
  const { events, now = Date.now() } = props;
  const classes = useStyles();

  if (events.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No events recorded for this release.
      </Typography>
    );
  }

  const sorted = [...events].sort(
    (a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp),
  );

  return (
    <Timeline className={classes.timeline} aria-label="Release timeline">
      {sorted.map((event, index) => {
        const { title, detail, kind } = describeEvent(event);
        const kindClass = classes[kind satisfies EventKind];
        return (
          <TimelineItem key={event.eventId} data-event-type={event.type}>
            <TimelineOppositeContent className={classes.opposite}>
              <Typography variant="body2" component="div">
                <time dateTime={event.timestamp}>
                  {formatUtcSeconds(event.timestamp)}
                </time>
              </Typography>
              <Typography
                variant="caption"
                color="textSecondary"
                component="div"
              >
                {formatRelative(event.timestamp, now)}
              </Typography>
            </TimelineOppositeContent>
            <TimelineSeparator>
              <Tooltip title={event.type}>
                <TimelineDot className={kindClass}>
                  {ICONS[event.type] ?? <HelpOutlineIcon fontSize="small" />}
                </TimelineDot>
              </Tooltip>
              {index < sorted.length - 1 && <TimelineConnector />}
            </TimelineSeparator>
            <TimelineContent>
              <Typography variant="subtitle2" component="div">
                {title}
              </Typography>
              {detail && (
                <Typography
                  variant="body2"
                  component="div"
                  className={classes.detail}
                >
                  {detail}
                </Typography>
              )}
            </TimelineContent>
          </TimelineItem>
        );
      })}
    </Timeline>
  );
}
