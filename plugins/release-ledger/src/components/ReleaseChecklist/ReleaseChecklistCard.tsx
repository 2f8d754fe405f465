import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Checkbox from '@material-ui/core/Checkbox';
import Chip from '@material-ui/core/Chip';
import LinearProgress from '@material-ui/core/LinearProgress';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { makeStyles } from '@material-ui/core/styles';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { errorApiRef, useApi } from '@backstage/core-plugin-api';
import type {
  ChecklistItem,
  ChecklistPhase,
  ReleaseChecklist,
} from '@release-ledger/plugin-release-ledger-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { releaseLedgerApiRef } from '../../api';
import { formatRelative, formatUtc, shortCommit } from '../../utils/format';

const useStyles = makeStyles(
  theme => ({
    section: { marginTop: theme.spacing(2) },
    sectionHeader: {
      display: 'flex',
      alignItems: 'center',
      gap: theme.spacing(1),
    },
    progress: { marginTop: theme.spacing(0.5), height: 6, borderRadius: 3 },
    item: { paddingTop: 0, paddingBottom: 0, alignItems: 'flex-start' },
    icon: { minWidth: 42 },
    muted: { color: theme.palette.text.secondary },
    // List items inherit nowrap here; long items must wrap inside the column.
    text: { overflowWrap: 'anywhere', whiteSpace: 'normal' },
  }),
  { name: 'ReleaseLedgerReleaseChecklist' },
);

const PHASE_NAMES: Record<ChecklistPhase, string> = {
  pre: 'Pre-release',
  during: 'During release',
  post: 'Post-release',
};

function ItemLine(props: {
  item: ChecklistItem;
  busy: boolean;
  onChange: (checked: boolean) => void;
}) {
  const { item, busy, onChange } = props;
  const classes = useStyles();
  const labelId = `checklist-item-${item.id}`;
  return (
    <ListItem className={classes.item} disableGutters>
      <ListItemIcon className={classes.icon}>
        <Checkbox
          edge="start"
          color="primary"
          checked={Boolean(item.checked)}
          disabled={busy}
          onChange={event => onChange(event.target.checked)}
          inputProps={{ 'aria-labelledby': labelId }}
        />
      </ListItemIcon>
      <ListItemText
        id={labelId}
        className={classes.text}
        primary={
          <>
            {item.text}{' '}
            {item.required && (
              <Chip size="small" label="required" variant="outlined" />
            )}
          </>
        }
        secondary={
          item.checked
            ? `checked by ${item.checked.by ?? 'a pipeline'} ${formatRelative(
                item.checked.at,
              )} (${formatUtc(item.checked.at)})`
            : undefined
        }
      />
    </ListItem>
  );
}

function PinnedChecklist(props: {
  checklist: ReleaseChecklist;
  onCheck: (item: ChecklistItem, checked: boolean) => Promise<void>;
  promotionDecided?: boolean;
}) {
  const { checklist, onCheck, promotionDecided } = props;
  const classes = useStyles();
  const [busy, setBusy] = useState<string | undefined>();
  const sections = checklist.checklist?.sections ?? [];
  const open = checklist.openRequired.length;
  return (
    <>
      {open > 0 &&
        (promotionDecided ? (
          // Past promotion or rollback nothing is held any more: say what
          // the release went without.
          <Alert severity="info">
            {`${open} required pre-release ${
              open === 1 ? 'item was' : 'items were'
            } not checked before the release was promoted or rolled back`}
          </Alert>
        ) : (
          <Alert severity="warning">
            {`${open} required pre-release ${
              open === 1 ? 'item is' : 'items are'
            } not checked: promotion is held`}
          </Alert>
        ))}
      {sections.map(section => {
        const done = section.items.filter(i => i.checked).length;
        return (
          <Box
            key={section.phase}
            className={classes.section}
            component="section"
            aria-label={PHASE_NAMES[section.phase]}
          >
            <div className={classes.sectionHeader}>
              <Typography variant="h6" component="h3">
                {section.title || PHASE_NAMES[section.phase]}
              </Typography>
              {section.ownerRole && (
                <Chip size="small" label={`owner: ${section.ownerRole}`} />
              )}
              <Typography variant="body2" className={classes.muted}>
                {done} of {section.items.length} checked
              </Typography>
            </div>
            <LinearProgress
              className={classes.progress}
              variant="determinate"
              value={
                section.items.length ? (100 * done) / section.items.length : 0
              }
              aria-label={`${section.title} progress`}
            />
            <List dense>
              {section.items.map(item => (
                <ItemLine
                  key={item.id}
                  item={item}
                  busy={busy === item.id}
                  onChange={async checked => {
                    setBusy(item.id);
                    try {
                      await onCheck(item, checked);
                    } finally {
                      setBusy(undefined);
                    }
                  }}
                />
              ))}
            </List>
          </Box>
        );
      })}
      <Typography variant="caption" className={classes.muted} component="p">
        Pinned {checklist.pinnedAt ? formatRelative(checklist.pinnedAt) : ''}{' '}
        from {checklist.source}
        {checklist.commit ? ` at ${shortCommit(checklist.commit)}` : ''}: later
        edits to the file do not change this release.
      </Typography>
    </>
  );
}

/** @public */
export type ReleaseChecklistCardProps = {
  releaseId: string;
  /**
   * Called after a tick or untick is recorded, so that views of the release's
   * events (its timeline) can reload and show it.
   */
  onChecked?: () => void;
  /**
   * The release was promoted or rolled back: open required items no longer
   * hold it, and the card says what it went without instead.
   */
  promotionDecided?: boolean;
};

/**
 * The release's checklist, pinned from the service's repository when the
 * release started: sections with their owner and progress, items ticked
 * from here (as the signed-in user) or by pipelines.
 *
 * @public
 */
export function ReleaseChecklistCard(props: ReleaseChecklistCardProps) {
  const { releaseId, onChecked, promotionDecided } = props;
  const api = useApi(releaseLedgerApiRef);
  const errorApi = useApi(errorApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getReleaseChecklist(releaseId),
    [api, releaseId],
  );

  let content;
  if (loading && !value) {
    content = <Progress />;
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else if (!value) {
    content = (
      <Typography variant="body2">
        No checklist: the release has not started.
      </Typography>
    );
  } else if (value.state === 'pending') {
    content = (
      <Typography variant="body2">
        Reading the checklist from the repository…
      </Typography>
    );
  } else if (value.state === 'unavailable') {
    content = (
      <WarningPanel severity="info" title="No checklist for this release">
        {value.reason}
      </WarningPanel>
    );
  } else {
    content = (
      <PinnedChecklist
        checklist={value}
        promotionDecided={promotionDecided}
        onCheck={async (item, checked) => {
          try {
            await api.checkChecklistItem(releaseId, item, checked);
            onChecked?.();
          } catch (e) {
            errorApi.post(e as Error);
          }
          retry();
        }}
      />
    );
  }
  return <InfoCard title="Checklist">{content}</InfoCard>;
}
