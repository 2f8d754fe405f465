import { useState } from 'react';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Collapse from '@material-ui/core/Collapse';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import ErrorOutlineIcon from '@material-ui/icons/ErrorOutline';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import GetAppIcon from '@material-ui/icons/GetApp';
import ReportProblemOutlinedIcon from '@material-ui/icons/ReportProblemOutlined';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { errorApiRef, useApi } from '@backstage/core-plugin-api';
import type {
  CommitLintFinding,
  ReleaseNoteEntry,
  ReleaseNoteSection,
  ReleaseNotes,
} from '@release-ledger/plugin-release-ledger-common';
import useAsync from 'react-use/esm/useAsync';
import { releaseLedgerApiRef } from '../../api';
import { shortCommit } from '../../utils/format';
import { flaggedMessage, notesSummary } from './describeNotes';
import { downloadText } from './downloadText';

/** Entries a section shows before "Show all". */
const SHOWN_PER_SECTION = 10;

const useStyles = makeStyles(
  theme => ({
    banner: { marginBottom: theme.spacing(2) },
    section: {
      '& + &': { marginTop: theme.spacing(2) },
    },
    sectionTitle: { fontWeight: theme.typography.fontWeightBold as number },
    breakingTitle: { color: theme.palette.error.main },
    entries: {
      listStyle: 'none',
      margin: theme.spacing(0.5, 0, 0),
      padding: 0,
    },
    entry: {
      padding: theme.spacing(0.5, 0),
      overflowWrap: 'anywhere',
      '& + &': { borderTop: `1px solid ${theme.palette.divider}` },
    },
    line: {
      display: 'flex',
      flexWrap: 'wrap',
      alignItems: 'center',
      columnGap: theme.spacing(0.75),
      rowGap: theme.spacing(0.5),
    },
    type: {
      fontFamily: 'monospace',
      fontSize: '0.75rem',
      padding: '0 4px',
      borderRadius: 3,
      backgroundColor: theme.palette.action.selected,
    },
    subject: { minWidth: 0 },
    meta: { color: theme.palette.text.secondary, fontSize: '0.8rem' },
    sha: { fontFamily: 'monospace', fontSize: '0.8rem' },
    breakingNote: {
      margin: theme.spacing(0.5, 0, 0, 1.5),
      paddingLeft: theme.spacing(1),
      borderLeft: `3px solid ${theme.palette.error.light}`,
      whiteSpace: 'pre-line',
    },
    findings: {
      display: 'inline-flex',
      flexWrap: 'wrap',
      gap: theme.spacing(0.5),
      listStyle: 'none',
      margin: 0,
      padding: 0,
    },
    // Doubled class selector, so the colour wins over MuiChip's own.
    findingError: {
      '&&': {
        color: theme.palette.error.main,
        borderColor: theme.palette.error.main,
      },
      '&& svg': { color: theme.palette.error.main },
    },
    findingWarning: {
      '&&': {
        color: theme.palette.warning.dark,
        borderColor: theme.palette.warning.main,
      },
      '&& svg': { color: theme.palette.warning.main },
    },
    revertedInRelease: { '&&': { height: 20, fontSize: '0.7rem' } },
    toggle: { marginTop: theme.spacing(1), textTransform: 'none' },
    // Reads as the heading of a section, like the sections above it.
    disclosure: {
      '&&': {
        padding: 0,
        textTransform: 'none',
        fontSize: theme.typography.subtitle1.fontSize,
        fontWeight: theme.typography.fontWeightBold as number,
      },
    },
    expandIcon: { transition: theme.transitions.create('transform') },
    expanded: { transform: 'rotate(180deg)' },
    muted: { color: theme.palette.text.secondary },
    code: { fontFamily: 'monospace' },
  }),
  { name: 'ReleaseLedgerReleaseNotes' },
);

function Finding(props: { finding: CommitLintFinding }) {
  const { level, rule, message } = props.finding;
  const classes = useStyles();
  const error = level === 'error';
  return (
    <li>
      <Tooltip title={`${error ? 'Error' : 'Warning'}: ${message}`}>
        <Chip
          size="small"
          variant="outlined"
          className={error ? classes.findingError : classes.findingWarning}
          icon={
            error ? (
              <ErrorOutlineIcon fontSize="small" />
            ) : (
              <ReportProblemOutlinedIcon fontSize="small" />
            )
          }
          label={rule}
          aria-label={`commitlint ${level}: ${rule}: ${message}`}
        />
      </Tooltip>
    </li>
  );
}

function Entry(props: { entry: ReleaseNoteEntry; showType: boolean }) {
  const { entry, showType } = props;
  const classes = useStyles();
  let pr;
  if (entry.prNumber !== undefined) {
    pr = entry.url ? (
      <Link to={entry.url}>#{entry.prNumber}</Link>
    ) : (
      <span className={classes.meta}>#{entry.prNumber}</span>
    );
  }
  const revertedSha = shortCommit(entry.reverts?.sha);
  return (
    <li className={classes.entry}>
      <div className={classes.line}>
        {showType && entry.type && (
          <span className={classes.type}>{entry.type}</span>
        )}
        <span className={classes.subject}>
          {entry.scope && <strong>{entry.scope}: </strong>}
          {entry.subject}
        </span>
        {pr}
        {entry.sha && (
          <code className={classes.sha} title={entry.sha}>
            {shortCommit(entry.sha)}
          </code>
        )}
        {entry.reverts?.inRelease && (
          <Chip
            size="small"
            className={classes.revertedInRelease}
            label="added and reverted in this release"
          />
        )}
        {entry.reverts && !entry.reverts.inRelease && revertedSha && (
          <span className={classes.meta}>reverts {revertedSha}</span>
        )}
        {entry.findings.length > 0 && (
          <ul className={classes.findings} aria-label="commitlint findings">
            {entry.findings.map(finding => (
              <Finding
                key={`${finding.level}:${finding.rule}`}
                finding={finding}
              />
            ))}
          </ul>
        )}
      </div>
      {entry.breakingNote && entry.breakingNote !== entry.subject && (
        <Typography
          variant="body2"
          component="div"
          className={classes.breakingNote}
        >
          {entry.breakingNote}
        </Typography>
      )}
    </li>
  );
}

/** A list of entries that shows the first few, and all on request. */
function Entries(props: {
  label: string;
  entries: ReleaseNoteEntry[];
  showType: boolean;
}) {
  const { label, entries, showType } = props;
  const classes = useStyles();
  const [all, setAll] = useState(false);
  const shown = all ? entries : entries.slice(0, SHOWN_PER_SECTION);
  return (
    <>
      <ul className={classes.entries} aria-label={label}>
        {shown.map((entry, index) => (
          <Entry
            key={`${entry.sha}:${index}`}
            entry={entry}
            showType={showType}
          />
        ))}
      </ul>
      {shown.length < entries.length && (
        <Button
          size="small"
          color="primary"
          className={classes.toggle}
          onClick={() => setAll(true)}
        >
          Show all {entries.length}
        </Button>
      )}
    </>
  );
}

function Section(props: { section: ReleaseNoteSection }) {
  const { section } = props;
  const classes = useStyles();
  const breaking = section.kind === 'breaking';
  return (
    <section className={classes.section} aria-label={section.title}>
      <Typography
        variant="subtitle1"
        component="h3"
        className={`${classes.sectionTitle} ${
          breaking ? classes.breakingTitle : ''
        }`}
      >
        {section.title} ({section.entries.length})
      </Typography>
      {/* Types mix in these two sections; elsewhere the title says it. */}
      <Entries
        label={section.title}
        entries={section.entries}
        showType={breaking || section.kind === 'others'}
      />
    </section>
  );
}

function NonConventional(props: {
  entries: ReleaseNoteEntry[];
  defaultOpen: boolean;
}) {
  const { entries, defaultOpen } = props;
  const classes = useStyles();
  const [open, setOpen] = useState(defaultOpen);
  const id = 'release-notes-not-conventional';
  return (
    <section className={classes.section} aria-label="Not conventional">
      <Button
        className={classes.disclosure}
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen(!open)}
        endIcon={
          <ExpandMoreIcon
            className={`${classes.expandIcon} ${open ? classes.expanded : ''}`}
          />
        }
      >
        Not conventional ({entries.length})
      </Button>
      <Collapse in={open}>
        <div id={id}>
          <Typography variant="body2" className={classes.muted}>
            These headers do not follow Conventional Commits (
            <span className={classes.code}>type(scope): subject</span>), so the
            sections above leave them out unless they are breaking.
          </Typography>
          <Entries
            label="Not conventional commits"
            entries={entries}
            showType={false}
          />
        </div>
      </Collapse>
    </section>
  );
}

function Notes(props: { notes: ReleaseNotes }) {
  const { notes } = props;
  const classes = useStyles();
  if (notes.counts.commits === 0) {
    return (
      <Typography variant="body2" className={classes.muted}>
        No commits were listed for this release, and no merged PRs were linked
        to it. A pipeline lists them when it starts the release with{' '}
        <span className={classes.code}>release-ledger start --repo .</span>: the
        commits since the last promoted release.
      </Typography>
    );
  }
  return (
    <>
      {notes.flagged && (
        <Alert severity="warning" className={classes.banner}>
          {flaggedMessage(notes)}
        </Alert>
      )}
      {notes.truncated && (
        <Alert severity="info" className={classes.banner}>
          These notes cover the newest {notes.truncated.sent} of the{' '}
          {notes.truncated.total} commits in the release.
        </Alert>
      )}
      {notes.sections.map(section => (
        <Section key={section.kind} section={section} />
      ))}
      {notes.nonConventional.length > 0 && (
        <NonConventional
          entries={notes.nonConventional}
          defaultOpen={notes.sections.length === 0}
        />
      )}
    </>
  );
}

function DownloadButton(props: { releaseId: string }) {
  const api = useApi(releaseLedgerApiRef);
  const errorApi = useApi(errorApiRef);
  const [busy, setBusy] = useState(false);
  return (
    <Button
      size="small"
      variant="outlined"
      color="primary"
      startIcon={<GetAppIcon />}
      disabled={busy}
      onClick={async () => {
        setBusy(true);
        try {
          const { fileName, markdown } = await api.getReleaseNotesMarkdown(
            props.releaseId,
          );
          downloadText(fileName, markdown);
        } catch (e) {
          errorApi.post(e as Error);
        } finally {
          setBusy(false);
        }
      }}
    >
      Download markdown
    </Button>
  );
}

/** @public */
export type ReleaseNotesCardProps = {
  releaseId: string;
};

/**
 * A release's notes from its commits, grouped the way a conventional
 * changelog groups them, with each commit's commitlint findings, the commits
 * that do not follow the convention, and a markdown download for a
 * CHANGELOG.
 *
 * @public
 */
export function ReleaseNotesCard(props: ReleaseNotesCardProps) {
  const { releaseId } = props;
  const api = useApi(releaseLedgerApiRef);
  const { value, loading, error } = useAsync(
    () => api.getReleaseNotes(releaseId),
    [api, releaseId],
  );

  let content;
  if (loading) {
    content = <Progress />;
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else if (value) {
    content = <Notes notes={value} />;
  }

  return (
    <section aria-label="Release notes">
      <InfoCard
        title="Release notes"
        subheader={value && notesSummary(value)}
        action={
          value && value.counts.commits > 0 ? (
            <DownloadButton releaseId={releaseId} />
          ) : undefined
        }
      >
        {content}
      </InfoCard>
    </section>
  );
}
