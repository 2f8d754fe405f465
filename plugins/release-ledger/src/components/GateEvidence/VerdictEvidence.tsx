import type { ReactNode } from 'react';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import type { GateVerdictEvidence } from '../../api';
import { CheckEvidence } from './CheckEvidence';
import { GateStateChip } from './GateStateChip';

const useStyles = makeStyles(
  theme => ({
    header: {
      display: 'flex',
      flexWrap: 'wrap',
      alignItems: 'center',
      gap: theme.spacing(1),
    },
    name: { fontWeight: theme.typography.fontWeightBold as number },
    muted: { color: theme.palette.text.secondary },
    reason: { overflowWrap: 'anywhere', margin: theme.spacing(0.5, 0, 1) },
    banner: { margin: theme.spacing(1, 0) },
  }),
  { name: 'ReleaseLedgerVerdictEvidence' },
);

/**
 * A gate's verdict and its reason, marked when it is a dry run (recorded,
 * never blocking), followed by the evidence of each check.
 */
export function VerdictEvidence(props: {
  verdict: GateVerdictEvidence;
  /** Times and other facts shown under the verdict. */
  details?: ReactNode;
}) {
  const { verdict, details } = props;
  const classes = useStyles();
  return (
    <>
      <div className={classes.header}>
        <Typography component="h3" variant="h6" className={classes.name}>
          {verdict.gate}
        </Typography>
        <GateStateChip of="gate" state={verdict.state} size="medium" />
        <Typography component="span" variant="body2" className={classes.muted}>
          via {verdict.provider}
        </Typography>
      </div>
      <Typography variant="body2" className={classes.reason}>
        {verdict.reason}
      </Typography>
      {details}
      {verdict.dryRun && (
        <Alert severity="info" className={classes.banner}>
          Dry run — recorded, not blocking: the pipeline is told{' '}
          <strong>{verdict.enforced}</strong> whatever this gate's verdict.
        </Alert>
      )}
      {verdict.checks.map(check => (
        <CheckEvidence
          key={check.name}
          check={check}
          gateSettled={verdict.state !== 'running'}
        />
      ))}
    </>
  );
}
