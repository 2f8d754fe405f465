import Box from '@material-ui/core/Box';
import Divider from '@material-ui/core/Divider';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { type GateEvaluation, releaseLedgerApiRef } from '../../api';
import { formatUtc } from '../../utils/format';
import { GateReplayForm } from './GateReplayForm';
import { VerdictEvidence } from './VerdictEvidence';

const useStyles = makeStyles(
  theme => ({
    gate: { marginBottom: theme.spacing(2) },
    muted: { color: theme.palette.text.secondary },
    divider: { margin: theme.spacing(2, 0) },
  }),
  { name: 'ReleaseLedgerGateEvidence' },
);

function EvaluationTimes(props: { evaluation: GateEvaluation }) {
  const { evaluation } = props;
  const classes = useStyles();
  const parts = [`started ${formatUtc(evaluation.startedAt)}`];
  if (evaluation.finishedAt) {
    parts.push(`decided ${formatUtc(evaluation.finishedAt)}`);
  } else if (evaluation.nextDueAt) {
    parts.push(`next measurement ${formatUtc(evaluation.nextDueAt)}`);
  }
  return (
    <Typography variant="caption" component="p" className={classes.muted}>
      {parts.join(' · ')}
    </Typography>
  );
}

/** @public */
export type GateEvidenceProps = {
  releaseId: string;
  /** When the canary started; without one there is no window to replay. */
  canaryStartedAt?: string;
};

/**
 * The release's canary gates: each gate's verdict and reason, dry runs
 * marked as not blocking, each check's measurements against its threshold
 * with Prometheus' own messages for what could not be measured, and — for
 * users with the permission — a replay over the canary window.
 *
 * @public
 */
export function GateEvidence(props: GateEvidenceProps) {
  const { releaseId, canaryStartedAt } = props;
  const classes = useStyles();
  const api = useApi(releaseLedgerApiRef);
  const { value, loading, error } = useAsync(
    () => api.getReleaseGates(releaseId),
    [api, releaseId],
  );

  let content;
  if (loading) {
    content = <Progress />;
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else if (value) {
    content = (
      <>
        {value.evaluations.length === 0 ? (
          <Typography variant="body2" className={classes.muted}>
            No gate evaluated for this release.
          </Typography>
        ) : (
          value.evaluations.map(evaluation => (
            <section
              key={evaluation.id}
              className={classes.gate}
              aria-label={`Gate ${evaluation.gate}`}
            >
              <VerdictEvidence
                verdict={evaluation}
                details={<EvaluationTimes evaluation={evaluation} />}
              />
            </section>
          ))
        )}
        <Divider className={classes.divider} />
        {canaryStartedAt ? (
          <GateReplayForm
            releaseId={releaseId}
            evaluations={value.evaluations}
          />
        ) : (
          <Box>
            <Typography variant="caption" className={classes.muted}>
              This release never started a canary, so there is no window to
              replay a gate over.
            </Typography>
          </Box>
        )}
      </>
    );
  }

  return (
    <section aria-label="Canary gates">
      <InfoCard
        title="Canary gates"
        subheader="SLO checks that decide whether the canary is promoted"
      >
        {content}
      </InfoCard>
    </section>
  );
}
