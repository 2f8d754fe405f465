import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  InfoCard,
  Link,
  Progress,
  WarningPanel,
} from '@backstage/core-components';
import type { Entity } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import type {
  MetricWindow,
  MetricsResponse,
  MetricsScope,
} from '@release-ledger/plugin-release-ledger-common';
import { useMetrics } from '../../hooks/useMetrics';
import {
  useDefinitionsLink,
  useReleaseLedgerRootPath,
} from '../../hooks/useReleaseLink';
import { errorMessage } from '../../utils/errors';
import { RECORDING_RELEASES_DOCS_URL } from '../../utils/links';
import { describeWindow, hasActivity, plural } from '../../utils/formatMetrics';
import { ledgerEntityRef } from '../EntityReleasesContent/EntityReleasesContent';
import { DoraFigures } from '../MetricFigure';
import { MetricWindowPicker } from '../MetricWindowPicker';

const useStyles = makeStyles(
  theme => ({
    stale: { opacity: 0.6, transition: 'opacity 150ms' },
    muted: { color: theme.palette.text.secondary },
    empty: { padding: theme.spacing(2, 0) },
  }),
  { name: 'ReleaseLedgerEntityDoraCard' },
);

/** Groups get their team's rollup (with child groups); anything else its own. */
export function metricsScopeOf(entity: Entity): MetricsScope {
  return entity.kind.toLocaleLowerCase('en-US') === 'group'
    ? 'group'
    : 'entity';
}

/** How the catalog names the entity: a group's profile name, else its title. */
function displayName(entity: Entity): string {
  const profile = entity.spec?.profile as { displayName?: unknown } | undefined;
  if (typeof profile?.displayName === 'string' && profile.displayName) {
    return profile.displayName;
  }
  return entity.metadata.title ?? entity.metadata.name;
}

function describeScope(
  entity: Entity,
  scope: MetricsScope,
  response: MetricsResponse | undefined,
  window: MetricWindow,
): string {
  const name = displayName(entity);
  if (scope !== 'group') {
    return `Production releases of ${name}, ${describeWindow(window)}`;
  }
  const children = Math.max(0, (response?.groups?.length ?? 1) - 1);
  const owners =
    children > 0 ? `${name} and ${plural(children, 'child group')}` : `${name}`;
  return `Production releases owned by ${owners}, ${describeWindow(window)}`;
}

function NoReleasesInWindow(props: {
  scope: MetricsScope;
  window: MetricWindow;
}) {
  const classes = useStyles();
  const what = props.scope === 'group' ? 'this team' : 'this entity';
  return (
    <div className={classes.empty}>
      <Typography variant="subtitle1" component="p" gutterBottom>
        No production releases of {what} in the {describeWindow(props.window)}
      </Typography>
      <Typography variant="body2" className={classes.muted}>
        DORA metrics are computed from the release events deploy pipelines post
        to Release Ledger: releases started, promoted and rolled back in
        production, their merged changes and incidents. Pick a longer window, or{' '}
        <Link to={RECORDING_RELEASES_DOCS_URL}>record releases</Link> from the
        pipeline.
      </Typography>
    </div>
  );
}

/** @public */
export type EntityDoraCardProps = {
  /** Default: "DORA metrics". */
  title?: string;
  /** The window shown first; default `30d`. */
  defaultWindow?: MetricWindow;
};

/**
 * The four DORA metrics of the entity in context: a service's own releases,
 * or for a Group, every release its team and child teams own. Each figure
 * shows its band, sample size, weekly trend and definition.
 *
 * @public
 */
export function EntityDoraCard(props: EntityDoraCardProps) {
  const { title = 'DORA metrics', defaultWindow = '30d' } = props;
  const { entity } = useEntity();
  const classes = useStyles();
  const scope = metricsScopeOf(entity);
  const ref = ledgerEntityRef(entity);
  const [window, setWindow] = useState<MetricWindow>(defaultWindow);
  const { value, loading, error } = useMetrics({ scope, ref, window });
  const definitionsLink = useDefinitionsLink();
  const rootPath = useReleaseLedgerRootPath();

  let content;
  if (error && !loading) {
    content = (
      <WarningPanel
        severity="error"
        title="Could not load DORA metrics"
        message={errorMessage(error)}
        defaultExpanded
      />
    );
  } else if (!value) {
    content = <Progress />;
  } else if (!hasActivity(value.metrics)) {
    content = <NoReleasesInWindow scope={scope} window={window} />;
  } else {
    const unattributed = value.unattributedIncidents.length;
    content = (
      <>
        <DoraFigures
          metrics={value.metrics}
          definitionsLink={definitionsLink}
        />
        {unattributed > 0 && (
          <Box mt={2}>
            <Typography variant="body2" className={classes.muted}>
              {plural(unattributed, 'incident')} in this window could not be
              attributed to a release and are not counted as failures.
            </Typography>
          </Box>
        )}
      </>
    );
  }

  return (
    <InfoCard
      title={title}
      subheader={describeScope(entity, scope, value, window)}
      action={<MetricWindowPicker value={window} onChange={setWindow} />}
      deepLink={{ title: 'Delivery metrics for the org', link: rootPath }}
    >
      <div
        className={loading && value ? classes.stale : undefined}
        aria-busy={loading}
      >
        {content}
      </div>
    </InfoCard>
  );
}
