import { type ReactNode, Suspense, useMemo, useRef } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import FlagIcon from '@material-ui/icons/Flag';
import {
  Link,
  ResponseErrorPanel,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { Release } from '@release-ledger/plugin-release-ledger-common';
import { useReleaseLink } from '../../hooks/useReleaseLink';
import {
  formatRelative,
  formatUtc,
  releaseDuration,
  shortCommit,
} from '../../utils/format';
import { ReleaseStatusChip } from '../ReleaseStatusChip';
import { ReleaseEventsPanel } from './ReleaseEventsPanel';

const useStyles = makeStyles(
  theme => ({
    commit: { fontFamily: 'monospace', fontSize: '0.85rem' },
    anomaly: { color: theme.palette.warning.main, verticalAlign: 'middle' },
    nowrap: { whiteSpace: 'nowrap' },
    tooltipList: { margin: 0, paddingLeft: theme.spacing(2) },
  }),
  { name: 'ReleaseLedgerReleasesTable' },
);

/** Row data; material-table adds its own `tableData` field to rows. */
type Row = Release & { id: string };

function Time(props: { iso?: string }) {
  const classes = useStyles();
  if (!props.iso) {
    return <span>—</span>;
  }
  return (
    <Tooltip title={formatRelative(props.iso)}>
      <time dateTime={props.iso} className={classes.nowrap}>
        {formatUtc(props.iso)}
      </time>
    </Tooltip>
  );
}

/**
 * An entity link in its own Suspense boundary, as a precaution: if anything
 * in a cell suspended, the boundary above the table would hide and re-show
 * the whole table, and material-table does not survive being re-mounted that
 * way (it reads a ref in componentDidMount).
 */
function EntityCell(props: { entityRef: string; defaultKind: string }) {
  return (
    <Suspense fallback={<span>{props.entityRef}</span>}>
      <EntityRefLink
        entityRef={props.entityRef}
        defaultKind={props.defaultKind}
        hideIcon
      />
    </Suspense>
  );
}

function AnomalyFlag(props: { release: Release }) {
  const classes = useStyles();
  const { anomalies } = props.release;
  if (!anomalies?.length) {
    return null;
  }
  const label = `${anomalies.length} anomal${
    anomalies.length === 1 ? 'y' : 'ies'
  } in this release's events`;
  return (
    <Tooltip
      title={
        <ul className={classes.tooltipList}>
          {anomalies.map(a => (
            <li key={`${a.eventId}:${a.message}`}>{a.message}</li>
          ))}
        </ul>
      }
    >
      <FlagIcon
        className={classes.anomaly}
        aria-label={label}
        role="img"
        fontSize="small"
      />
    </Tooltip>
  );
}

/** @public */
export type ReleasesTableProps = {
  title: string;
  releases: Release[];
  /** Whether more pages are available; shows a "Load more" button. */
  hasMore?: boolean;
  loadingMore?: boolean;
  onLoadMore?: () => void;
  /** Adds an entity column, for lists that span several entities. */
  showEntity?: boolean;
  /** The error of the last "load more", shown above the table. */
  loadMoreError?: Error;
  emptyContent?: ReactNode;
};

/**
 * Releases newest first; each row expands to its event timeline, which is
 * fetched when expanded.
 *
 * @public
 */
export function ReleasesTable(props: ReleasesTableProps) {
  const {
    title,
    releases,
    hasMore,
    loadingMore,
    onLoadMore,
    showEntity,
    loadMoreError,
    emptyContent,
  } = props;
  const classes = useStyles();
  const releaseLink = useReleaseLink();

  const columns: TableColumn<Row>[] = [
    {
      title: 'Version',
      field: 'version',
      highlight: true,
      // The version is the way into the release page; no separate
      // "Details" column, so the table fits a 1440 px entity page.
      render: row => (
        <Link
          to={releaseLink(row.releaseId)}
          title="Release details"
          aria-label={`Details of release ${row.releaseId}`}
        >
          {row.version ?? row.releaseId}
        </Link>
      ),
    },
    ...(showEntity
      ? [
          {
            title: 'Entity',
            field: 'entityRef',
            render: (row: Row) => (
              <EntityCell entityRef={row.entityRef} defaultKind="component" />
            ),
          },
        ]
      : []),
    {
      title: 'Status',
      field: 'status',
      render: row => (
        <span className={classes.nowrap}>
          <ReleaseStatusChip release={row} /> <AnomalyFlag release={row} />
        </span>
      ),
    },
    {
      title: 'Started',
      field: 'startedAt',
      render: row => <Time iso={row.startedAt} />,
    },
    {
      title: 'Promoted',
      field: 'promotedAt',
      render: row => <Time iso={row.promotedAt} />,
    },
    {
      title: 'Duration',
      sorting: false,
      render: row => {
        const duration = releaseDuration(row);
        if (!duration) {
          return '—';
        }
        return (
          <span className={classes.nowrap}>
            {duration.text}
            {duration.running ? ' (running)' : ''}
          </span>
        );
      },
    },
    {
      title: 'Commit',
      field: 'commit',
      render: row =>
        row.commit ? (
          <Tooltip title={row.commit}>
            <code className={classes.commit}>{shortCommit(row.commit)}</code>
          </Tooltip>
        ) : (
          '—'
        ),
    },
    {
      title: 'Owner',
      field: 'ownerRef',
      render: row =>
        row.ownerRef ? (
          <EntityCell entityRef={row.ownerRef} defaultKind="group" />
        ) : (
          '—'
        ),
    },
  ];

  // material-table keeps a row's expanded state on the row object, so rows
  // keep their identity across renders and "Load more".
  const rowCache = useRef(new WeakMap<Release, Row>());
  const data = useMemo(
    () =>
      releases.map(release => {
        let row = rowCache.current.get(release);
        if (!row) {
          row = { ...release, id: release.releaseId };
          rowCache.current.set(release, row);
        }
        return row;
      }),
    [releases],
  );

  return (
    <>
      {loadMoreError && (
        <Box mb={2}>
          <ResponseErrorPanel
            error={loadMoreError}
            title="Could not load more releases"
          />
        </Box>
      )}
      <Table<Row>
        title={title}
        columns={columns}
        data={data}
        options={{
          paging: false,
          search: false,
          padding: 'dense',
          detailPanelType: 'multiple',
        }}
        detailPanel={[
          {
            tooltip: 'Show the release timeline',
            render: ({ rowData }) => (
              <ReleaseEventsPanel releaseId={rowData.releaseId} />
            ),
          },
        ]}
        emptyContent={
          emptyContent ?? (
            <Box p={2}>
              <Typography variant="body2">No releases found.</Typography>
            </Box>
          )
        }
      />
      {hasMore && onLoadMore && (
        <Box display="flex" justifyContent="center" mt={2}>
          <Button
            variant="outlined"
            color="primary"
            onClick={onLoadMore}
            disabled={loadingMore}
          >
            {loadingMore ? 'Loading…' : 'Load more'}
          </Button>
        </Box>
      )}
    </>
  );
}
