import { useState } from 'react';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import type {
  ChecklistPhase,
  SkippedChecklistItem,
} from '@release-ledger/plugin-release-ledger-common';
import useAsync from 'react-use/esm/useAsync';
import { releaseLedgerApiRef } from '../../api';
import { plural } from '../../utils/formatMetrics';
import { ledgerEntityRef } from '../EntityReleasesContent/EntityReleasesContent';

const useStyles = makeStyles(
  theme => ({
    items: { listStyle: 'none', margin: 0, padding: 0 },
    item: {
      padding: theme.spacing(1, 0),
      '& + &': { borderTop: `1px solid ${theme.palette.divider}` },
    },
    // Baseline, so that the chips' labels sit on the item text's line.
    line: {
      display: 'flex',
      flexWrap: 'wrap',
      alignItems: 'baseline',
      columnGap: theme.spacing(0.75),
      rowGap: theme.spacing(0.5),
    },
    // The theme gives chips an outer margin; here the line's gap spaces them.
    chip: { margin: 0 },
    // Item texts are free markdown text from the repository; long ones wrap.
    text: { overflowWrap: 'anywhere', minWidth: 0 },
    share: {
      display: 'flex',
      alignItems: 'center',
      gap: theme.spacing(1.5),
      marginTop: theme.spacing(0.5),
    },
    bar: { flex: '0 0 120px', height: 6, borderRadius: 3 },
    muted: { color: theme.palette.text.secondary },
    empty: { padding: theme.spacing(1, 0) },
    footnote: { marginTop: theme.spacing(1) },
  }),
  { name: 'ReleaseLedgerEntitySkippedChecklistCard' },
);

/** As the release page's checklist names its sections. */
const PHASE_NAMES: Record<ChecklistPhase, string> = {
  pre: 'Pre-release',
  during: 'During release',
  post: 'Post-release',
};

/** `the last finished release`, `the last 4 finished releases`. */
function lastReleases(count: number): string {
  return count === 1
    ? 'the last finished release'
    : `the last ${count} finished releases`;
}

/**
 * The releases counted are those with a pinned checklist, which an entity's
 * older releases may not have had.
 */
function describeLooked(count: number): string {
  return `Over ${lastReleases(count)} with a checklist`;
}

/** `skipped in 3 of 4 releases`. */
function describeSkips(item: Pick<SkippedChecklistItem, 'skipped' | 'of'>) {
  return `skipped in ${item.skipped} of ${plural(item.of, 'release')}`;
}

/** The share of releases that skipped the item, as a whole percentage. */
function skippedPercent(item: SkippedChecklistItem): number {
  return item.of > 0 ? Math.round((100 * item.skipped) / item.of) : 0;
}

function SkippedItem(props: { item: SkippedChecklistItem }) {
  const { item } = props;
  const classes = useStyles();
  const percent = skippedPercent(item);
  const skips = describeSkips(item);
  return (
    <li className={classes.item}>
      <div className={classes.line}>
        <Typography variant="body1" component="span" className={classes.text}>
          {item.text}
        </Typography>
        <Chip
          size="small"
          label={PHASE_NAMES[item.phase]}
          className={classes.chip}
        />
        {item.required && (
          <Chip
            size="small"
            label="required"
            variant="outlined"
            className={classes.chip}
          />
        )}
      </div>
      <div className={classes.share}>
        <LinearProgress
          className={classes.bar}
          variant="determinate"
          color="secondary"
          value={percent}
          aria-label={skips}
        />
        <Typography variant="body2" className={classes.muted}>
          {skips} ({percent}%)
        </Typography>
      </div>
    </li>
  );
}

function SkippedItems(props: {
  items: SkippedChecklistItem[];
  maxItems: number;
}) {
  const { items, maxItems } = props;
  const classes = useStyles();
  const [showAll, setShowAll] = useState(false);
  const shown = showAll ? items : items.slice(0, maxItems);
  return (
    <>
      <ol className={classes.items} aria-label="Skipped checklist items">
        {shown.map(item => (
          <SkippedItem key={item.id} item={item} />
        ))}
      </ol>
      {shown.length < items.length && (
        <Button size="small" color="primary" onClick={() => setShowAll(true)}>
          Show all {items.length} items
        </Button>
      )}
      <Typography
        variant="caption"
        component="p"
        className={`${classes.muted} ${classes.footnote}`}
      >
        An item counts as skipped when its release finished without it ticked.
        Items every release ticked are not listed.
      </Typography>
    </>
  );
}

function NoChecklistReleases() {
  const classes = useStyles();
  return (
    <div className={classes.empty}>
      <Typography variant="subtitle1" component="p" gutterBottom>
        No finished release with a checklist yet
      </Typography>
      <Typography variant="body2" className={classes.muted}>
        When a release starts, Release Ledger pins the checklist in{' '}
        <code>RELEASE_CHECKLIST.md</code> beside this entity's catalog file (or
        where its <code>release-ledger/checklist</code> annotation points). Once
        releases with a checklist finish, the items they left unticked are
        counted here.
      </Typography>
    </div>
  );
}

function NothingSkipped(props: { releases: number }) {
  const classes = useStyles();
  return (
    <div className={classes.empty}>
      <Typography variant="subtitle1" component="p">
        Every item was ticked in {lastReleases(props.releases)}
      </Typography>
    </div>
  );
}

/** @public */
export type EntitySkippedChecklistCardProps = {
  /** Default: "Checklist items most often skipped". */
  title?: string;
  /** How many of the newest finished releases to look at, 1 to 200; default 20. */
  releases?: number;
  /** Items shown before "Show all"; default 5. */
  maxItems?: number;
};

/**
 * The checklist items the entity's newest finished releases most often left
 * unticked, most skipped first: each with its phase, whether it is required
 * and in how many of the releases it was skipped.
 *
 * @public
 */
export function EntitySkippedChecklistCard(
  props: EntitySkippedChecklistCardProps,
) {
  const {
    title = 'Checklist items most often skipped',
    releases = 20,
    maxItems = 5,
  } = props;
  const { entity } = useEntity();
  const api = useApi(releaseLedgerApiRef);
  const entityRef = ledgerEntityRef(entity);
  const { value, loading, error } = useAsync(
    () => api.getSkippedChecklistItems(entityRef, releases),
    [api, entityRef, releases],
  );

  let content;
  if (loading) {
    content = <Progress />;
  } else if (error) {
    content = (
      <ResponseErrorPanel
        title="Could not load the skipped checklist items"
        error={error}
      />
    );
  } else if (!value || value.releases === 0) {
    content = <NoChecklistReleases />;
  } else if (value.items.length === 0) {
    content = <NothingSkipped releases={value.releases} />;
  } else {
    content = <SkippedItems items={value.items} maxItems={maxItems} />;
  }

  const looked = value?.releases ?? 0;
  return (
    <InfoCard
      title={title}
      subheader={looked > 0 ? describeLooked(looked) : undefined}
    >
      {content}
    </InfoCard>
  );
}
