import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { InfoCard } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { ContributingSystem } from '@release-ledger/plugin-release-ledger-common';
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
  }),
  { name: 'ReleaseLedgerTopContributors' },
);

/** @public */
export type TopContributorsProps = {
  contributors: ContributingSystem[];
};

/**
 * The systems with the most failed releases in the window, with their
 * failure counts and owners.
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
          {failing.map((contributor, index) => (
            <ListItem key={contributor.entityRef} disableGutters>
              <span className={classes.rank}>{index + 1}.</span>
              <ListItemText
                className={classes.text}
                primary={
                  <EntityRefLink
                    entityRef={contributor.entityRef}
                    defaultKind="component"
                  />
                }
                secondary={
                  <>
                    {plural(contributor.failures, 'failure')} in{' '}
                    {plural(contributor.deployments, 'deployment')} (
                    {formatRate(
                      contributor.deployments > 0
                        ? contributor.failures / contributor.deployments
                        : undefined,
                    )}
                    )
                    {contributor.ownerRef && (
                      <span className={classes.owner}>
                        owned by{' '}
                        <EntityRefLink
                          entityRef={contributor.ownerRef}
                          defaultKind="group"
                          hideIcon
                        />
                      </span>
                    )}
                  </>
                }
              />
            </ListItem>
          ))}
        </List>
      )}
    </InfoCard>
  );
}
