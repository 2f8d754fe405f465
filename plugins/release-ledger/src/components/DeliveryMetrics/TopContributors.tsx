import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { InfoCard } from '@backstage/core-components';
import { parseEntityRef } from '@backstage/catalog-model';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type {
  ContributingComponent,
  ContributingSystem,
} from '@release-ledger/plugin-release-ledger-common';
import { formatRate, plural } from '../../utils/formatMetrics';

const useStyles = makeStyles(
  theme => ({
    muted: { color: theme.palette.text.secondary },
    text: { minWidth: 0, overflowWrap: 'anywhere' },
    // On its own line, so a long team name never pushes the card wider.
    owner: { display: 'block' },
    rank: {
      minWidth: theme.spacing(4),
      fontWeight: theme.typography.fontWeightMedium as number,
      color: theme.palette.text.secondary,
    },
    system: { display: 'block' },
    components: {
      margin: theme.spacing(0.5, 0, 0, 0),
      paddingLeft: theme.spacing(2),
      borderLeft: `2px solid ${theme.palette.divider}`,
    },
    component: { paddingTop: 0, paddingBottom: 0 },
  }),
  { name: 'ReleaseLedgerTopContributors' },
);

/** @public */
export type TopContributorsProps = {
  contributors: ContributingSystem[];
};

function failuresIn(c: { failures: number; deployments: number }) {
  return (
    <>
      {plural(c.failures, 'failure')} in {plural(c.deployments, 'deployment')} (
      {formatRate(c.deployments > 0 ? c.failures / c.deployments : undefined)})
    </>
  );
}

function Owner(props: { ownerRef?: string }) {
  const classes = useStyles();
  if (!props.ownerRef) return null;
  return (
    <span className={classes.owner}>
      owned by{' '}
      <EntityRefLink entityRef={props.ownerRef} defaultKind="group" hideIcon />
    </span>
  );
}

function Components(props: {
  systemRef: string;
  components: ContributingComponent[];
}) {
  const classes = useStyles();
  return (
    <List
      dense
      disablePadding
      className={classes.components}
      aria-label={`Components of ${props.systemRef}`}
    >
      {props.components.map(component => (
        <ListItem
          key={component.entityRef}
          disableGutters
          className={classes.component}
        >
          <ListItemText
            className={classes.text}
            primary={
              <EntityRefLink
                entityRef={component.entityRef}
                defaultKind="component"
              />
            }
            secondary={
              <>
                {failuresIn(component)}
                <Owner ownerRef={component.ownerRef} />
              </>
            }
          />
        </ListItem>
      ))}
    </List>
  );
}

/**
 * The catalog systems with the most failed releases in the window, with
 * their failure counts and, beneath, their failing components and owners. A
 * component without a system stands for itself.
 *
 * @public
 */
export function TopContributors(props: TopContributorsProps) {
  const { contributors } = props;
  const classes = useStyles();
  const failing = contributors.filter(c => c.failures > 0);
  return (
    <InfoCard
      title="Top contributing systems"
      subheader="Most failed releases in the window"
    >
      {failing.length === 0 ? (
        <Typography variant="body2" className={classes.muted}>
          No release failed in this window.
        </Typography>
      ) : (
        <List dense disablePadding aria-label="Top contributing systems">
          {failing.map((system, index) => {
            const standsForItself =
              system.components.length === 1 &&
              system.components[0].entityRef === system.systemRef;
            return (
              <ListItem key={system.systemRef} disableGutters>
                <span className={classes.rank}>{index + 1}.</span>
                <ListItemText
                  className={classes.text}
                  disableTypography
                  primary={
                    <Typography variant="body2" component="span">
                      <EntityRefLink
                        entityRef={system.systemRef}
                        defaultKind={
                          standsForItself
                            ? parseEntityRef(system.systemRef).kind
                            : 'system'
                        }
                      />
                    </Typography>
                  }
                  secondary={
                    <Typography
                      variant="body2"
                      component="div"
                      className={classes.muted}
                    >
                      <span className={classes.system}>
                        {failuresIn(system)}
                      </span>
                      {standsForItself ? (
                        <Owner ownerRef={system.components[0].ownerRef} />
                      ) : (
                        <Components
                          systemRef={system.systemRef}
                          components={system.components}
                        />
                      )}
                    </Typography>
                  }
                />
              </ListItem>
            );
          })}
        </List>
      )}
    </InfoCard>
  );
}
