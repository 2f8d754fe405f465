import { Suspense } from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { Table, type TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  METRIC_DEFINITIONS,
  type MetricId,
  type TeamMetricsRow,
} from '@release-ledger/plugin-release-ledger-common';
import { describeFigure } from '../../utils/formatMetrics';
import { BandChip } from '../BandChip';

const useStyles = makeStyles(
  theme => ({
    value: { whiteSpace: 'nowrap' },
    detail: { color: theme.palette.text.secondary, display: 'block' },
    chip: { marginTop: theme.spacing(0.5) },
  }),
  { name: 'ReleaseLedgerTeamsTable' },
);

/** Row data; material-table adds its own `tableData` field to rows. */
type Row = TeamMetricsRow & { id: string };

/**
 * The number a column sorts by, lower first. Deployment frequency is
 * negated, so ascending is best first for every metric; figures without a
 * value sort after every figure with one.
 */
export function sortValue(metric: MetricId, row: TeamMetricsRow): number {
  const { metrics } = row;
  let value: number | undefined;
  switch (metric) {
    case 'deploymentFrequency':
      value = -metrics.deploymentFrequency.deploysPerWeek;
      break;
    case 'leadTime':
      value = metrics.leadTime.p50Ms;
      break;
    case 'changeFailureRate':
      value = metrics.changeFailureRate.rate;
      break;
    case 'timeToRestore':
      value = metrics.timeToRestore.p50Ms;
      break;
    case 'reworkRate':
      value = metrics.reworkRate.rate;
      break;
    default:
      value = undefined;
  }
  return value ?? Number.POSITIVE_INFINITY;
}

function compare(metric: MetricId) {
  return (a: Row, b: Row) => {
    const x = sortValue(metric, a);
    const y = sortValue(metric, b);
    if (x === y) {
      return 0;
    }
    return x < y ? -1 : 1;
  };
}

function FigureCell(props: { metric: MetricId; row: Row }) {
  const { metric, row } = props;
  const classes = useStyles();
  const { value, detail } = describeFigure(metric, row.metrics);
  const { unbanded } = METRIC_DEFINITIONS[metric];
  return (
    <Box>
      <Typography variant="body2" component="span" className={classes.value}>
        {value}
      </Typography>
      <Typography variant="caption" className={classes.detail}>
        {detail}
      </Typography>
      <div className={classes.chip}>
        <BandChip
          figure={row.metrics[metric]}
          minSamples={row.metrics.minSamples}
          unbanded={unbanded}
        />
      </div>
    </Box>
  );
}

/** A group link in its own Suspense boundary (see ReleasesTable's EntityCell). */
function TeamCell(props: { row: Row }) {
  const { groupRef, title } = props.row;
  return (
    <Suspense fallback={<span>{title ?? groupRef}</span>}>
      <EntityRefLink entityRef={groupRef} defaultKind="group" hideIcon>
        {title}
      </EntityRefLink>
    </Suspense>
  );
}

const METRIC_COLUMNS: MetricId[] = [
  'deploymentFrequency',
  'leadTime',
  'changeFailureRate',
  'timeToRestore',
  'reworkRate',
];

/** @public */
export type TeamsTableProps = {
  teams: TeamMetricsRow[];
  title?: string;
};

/**
 * One row per owner group with its five figures and bands. Every column
 * sorts, best first on the first click; each team links to its catalog page.
 *
 * @public
 */
export function TeamsTable(props: TeamsTableProps) {
  const { teams, title = 'Teams' } = props;
  const columns: TableColumn<Row>[] = [
    {
      title: 'Team',
      field: 'groupRef',
      highlight: true,
      customSort: (a, b) =>
        (a.title ?? a.groupRef).localeCompare(b.title ?? b.groupRef),
      render: row => <TeamCell row={row} />,
    },
    ...METRIC_COLUMNS.map(
      (metric): TableColumn<Row> => ({
        title: METRIC_DEFINITIONS[metric].title,
        field: `metrics.${metric}`,
        customSort: compare(metric),
        render: row => <FigureCell metric={metric} row={row} />,
      }),
    ),
  ];
  const data: Row[] = teams.map(team => ({ ...team, id: team.groupRef }));
  return (
    <Table<Row>
      title={`${title} (${teams.length})`}
      columns={columns}
      data={data}
      options={{
        paging: teams.length > 20,
        pageSize: 20,
        search: teams.length > 10,
        padding: 'dense',
        draggable: false,
        // A first click on any column sorts best first.
        keepSortDirectionOnColumnSwitch: false,
      }}
      emptyContent={
        <Box p={2}>
          <Typography variant="body2">
            No team released to production in this window.
          </Typography>
        </Box>
      }
    />
  );
}
