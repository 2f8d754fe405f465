import { Suspense } from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { Table, type TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { LedgerIncident } from '@release-ledger/plugin-release-ledger-common';
import { formatUtc } from '../../utils/format';

type Row = LedgerIncident & { id: string };

/** @public */
export type UnattributedIncidentsProps = {
  incidents: LedgerIncident[];
};

/**
 * Incidents in the window that no release could be tied to. They do not
 * count towards change failure rate, so they are listed for a human to look at.
 *
 * @public
 */
export function UnattributedIncidents(props: UnattributedIncidentsProps) {
  const { incidents } = props;
  const columns: TableColumn<Row>[] = [
    { title: 'Incident', field: 'incidentId', highlight: true },
    { title: 'Severity', field: 'severity' },
    {
      title: 'Entity',
      field: 'entityRef',
      render: row => (
        <Suspense fallback={<span>{row.entityRef}</span>}>
          <EntityRefLink
            entityRef={row.entityRef}
            defaultKind="component"
            hideIcon
          />
        </Suspense>
      ),
    },
    { title: 'Title', field: 'title', render: row => row.title ?? '—' },
    {
      title: 'Started',
      field: 'startedAt',
      defaultSort: 'desc',
      render: row => formatUtc(row.startedAt),
    },
    {
      title: 'Resolved',
      field: 'resolvedAt',
      render: row =>
        row.resolvedAt ? formatUtc(row.resolvedAt) : 'unresolved',
    },
  ];
  const data: Row[] = incidents.map(incident => ({
    ...incident,
    id: incident.incidentId,
  }));
  return (
    <Table<Row>
      title={`Unattributed incidents (${incidents.length})`}
      subtitle="Incidents that name no release and followed no promotion of their entity within the attribution window. They do not count as failures."
      columns={columns}
      data={data}
      options={{
        paging: incidents.length > 10,
        pageSize: 10,
        search: false,
        padding: 'dense',
        draggable: false,
      }}
      emptyContent={
        <Box p={2}>
          <Typography variant="body2">
            Every incident in this window was attributed to a release.
          </Typography>
        </Box>
      }
    />
  );
}
