import { useEffect, useId, useRef, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  releaseLedgerNoteUpdatePermission,
  type WeeklyNote as WeeklyNoteData,
} from '@release-ledger/plugin-release-ledger-common';
import useAsync from 'react-use/esm/useAsync';
import { releaseLedgerApiRef } from '../../api';
import { errorMessage } from '../../utils/errors';
import { formatRelative } from '../../utils/format';
import { utcWeekOf } from '../../utils/formatMetrics';

const useStyles = makeStyles(
  theme => ({
    text: { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' },
    muted: { color: theme.palette.text.secondary },
    actions: {
      display: 'flex',
      gap: theme.spacing(1),
      marginTop: theme.spacing(2),
    },
  }),
  { name: 'ReleaseLedgerWeeklyNote' },
);

/** The backend refuses longer notes. */
const NOTE_MAX_LENGTH = 10_000;

function saveErrorText(error: Error): string {
  if (ResponseError.is(error) && error.statusCode === 403) {
    return 'You are not allowed to edit the weekly note.';
  }
  return `Could not save the note: ${errorMessage(error)}`;
}

/** @public */
export type WeeklyNoteProps = {
  /** The week's Monday, `YYYY-MM-DD` (UTC); default: the current week. */
  week?: string;
};

/**
 * Leadership's note explaining a week's numbers. Anyone can read it; users
 * with the `release-ledger.note.update` permission can write it.
 *
 * @public
 */
export function WeeklyNote(props: WeeklyNoteProps) {
  const week = props.week ?? utcWeekOf();
  const classes = useStyles();
  const fieldId = useId();
  const api = useApi(releaseLedgerApiRef);
  const { allowed: canEdit } = usePermission({
    permission: releaseLedgerNoteUpdatePermission,
  });
  const loaded = useAsync(() => api.getWeeklyNote(week), [api, week]);
  const [note, setNote] = useState<WeeklyNoteData | undefined>();
  const [draft, setDraft] = useState<string | undefined>();
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<Error | undefined>();

  useEffect(() => {
    setNote(loaded.value);
  }, [loaded.value]);

  const editing = draft !== undefined;
  const fieldRef = useRef<HTMLTextAreaElement | null>(null);

  // The button that opened the editor is gone; the text field takes focus.
  useEffect(() => {
    if (editing) {
      fieldRef.current?.focus();
    }
  }, [editing]);

  const save = async () => {
    if (draft === undefined) {
      return;
    }
    setSaving(true);
    setSaveError(undefined);
    try {
      setNote(await api.saveWeeklyNote(week, draft.trim()));
      setDraft(undefined);
    } catch (error) {
      setSaveError(error as Error);
    } finally {
      setSaving(false);
    }
  };

  let content;
  if (loaded.loading) {
    content = <Progress />;
  } else if (loaded.error) {
    content = (
      <Alert severity="error">
        Could not load the note: {errorMessage(loaded.error)}
      </Alert>
    );
  } else if (editing) {
    content = (
      <>
        <TextField
          id={fieldId}
          label={`Note for the week of ${week}`}
          value={draft}
          onChange={event => setDraft(event.target.value)}
          multiline
          minRows={4}
          fullWidth
          variant="outlined"
          placeholder="What moved the numbers this week, and what is being done about it?"
          disabled={saving}
          inputRef={fieldRef}
          inputProps={{ maxLength: NOTE_MAX_LENGTH }}
          helperText={
            draft.length > NOTE_MAX_LENGTH * 0.9
              ? `${draft.length} of ${NOTE_MAX_LENGTH} characters`
              : undefined
          }
        />
        {saveError && (
          <Box mt={2}>
            <Alert severity="error">{saveErrorText(saveError)}</Alert>
          </Box>
        )}
        <div className={classes.actions}>
          <Button
            variant="contained"
            color="primary"
            onClick={save}
            disabled={saving || draft.trim() === ''}
          >
            {saving ? 'Saving…' : 'Save note'}
          </Button>
          <Button
            onClick={() => {
              setDraft(undefined);
              setSaveError(undefined);
            }}
            disabled={saving}
          >
            Cancel
          </Button>
        </div>
      </>
    );
  } else {
    content = (
      <>
        {note ? (
          <>
            <Typography variant="body1" className={classes.text}>
              {note.text}
            </Typography>
            <Typography
              variant="caption"
              component="p"
              className={classes.muted}
            >
              Written by{' '}
              <EntityRefLink
                entityRef={note.author}
                defaultKind="user"
                hideIcon
              />
              {formatRelative(note.updatedAt) &&
                `, ${formatRelative(note.updatedAt)}`}
            </Typography>
          </>
        ) : (
          <Typography variant="body2" className={classes.muted}>
            No note for this week yet.
          </Typography>
        )}
        {canEdit && (
          <div className={classes.actions}>
            <Button
              variant="outlined"
              color="primary"
              onClick={() => setDraft(note?.text ?? '')}
            >
              {note ? 'Edit note' : 'Write a note'}
            </Button>
          </div>
        )}
      </>
    );
  }

  return (
    <InfoCard
      title="This week’s note"
      subheader={`Week of Monday ${week} (UTC)`}
    >
      {content}
    </InfoCard>
  );
}
