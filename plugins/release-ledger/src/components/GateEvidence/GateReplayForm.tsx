import { type FormEvent, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import LinearProgress from '@material-ui/core/LinearProgress';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { releaseLedgerGateReplayPermission } from '@release-ledger/plugin-release-ledger-common';
import {
  type GateReplay,
  type GateVerdictEvidence,
  type ReplayGateRequest,
  releaseLedgerApiRef,
} from '../../api';
import { errorMessage } from '../../utils/errors';
import { formatUtc } from '../../utils/format';
import { VerdictEvidence } from './VerdictEvidence';

const useStyles = makeStyles(
  theme => ({
    form: {
      display: 'flex',
      flexDirection: 'column',
      gap: theme.spacing(1.5),
      marginTop: theme.spacing(1),
    },
    definition: { '& textarea': { fontFamily: 'monospace' } },
    actions: { display: 'flex', gap: theme.spacing(1), flexWrap: 'wrap' },
    error: { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' },
    result: {
      marginTop: theme.spacing(2),
      padding: theme.spacing(1.5),
      border: `1px dashed ${theme.palette.divider}`,
      borderRadius: theme.shape.borderRadius,
    },
    muted: { color: theme.palette.text.secondary },
  }),
  { name: 'ReleaseLedgerGateReplayForm' },
);

type Mode = 'gate' | 'definition';

/**
 * A gate's evidence turned back into the definition it was evaluated with,
 * as a starting point for changing a threshold and replaying.
 */
export function definitionOf(
  verdict: GateVerdictEvidence,
): Record<string, unknown> {
  return {
    dryRun: verdict.dryRun,
    provider: verdict.provider,
    checks: verdict.checks.map(check => ({
      name: check.name,
      ...(check.kind === 'alert'
        ? { kind: 'alert', labels: check.labels }
        : {
            query: check.query,
            condition: check.condition,
            noData: check.noDataPolicy,
          }),
      interval: check.interval,
      count: check.count,
      failureLimit: check.failureLimit,
      consecutiveSuccesses: check.consecutiveSuccesses,
      errorLimit: check.errorLimit,
      key: check.key,
      // The evidence marks every check of a dry-run gate; the gate flag says it.
      dryRun: verdict.dryRun ? undefined : check.dryRun,
    })),
  };
}

/** The definition as an object, or the reason it cannot be sent. */
function readDefinition(
  text: string,
): { definition: Record<string, unknown> } | { problem: string } {
  if (!text.trim()) {
    return { problem: 'Paste a gate definition, e.g. { "checks": [ … ] }' };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { problem: `Not valid JSON: ${(e as Error).message}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return {
      problem:
        'Must be a JSON object: one releaseLedger.gates.<name> entry, e.g. { "checks": [ … ] }',
    };
  }
  return { definition: parsed as Record<string, unknown> };
}

function ReplayResult(props: { replay: GateReplay }) {
  const { replay } = props;
  const classes = useStyles();
  return (
    <section className={classes.result} aria-label="Replay result">
      <Typography component="h3" variant="subtitle1">
        Replay — not recorded
      </Typography>
      <VerdictEvidence
        verdict={replay}
        details={
          <>
            <Typography
              variant="caption"
              component="p"
              className={classes.muted}
            >
              Over the canary window {formatUtc(replay.window.start)} →{' '}
              {formatUtc(replay.window.end)}
              {replay.window.ongoing && ' (canary still running)'}. Nothing was
              stored and no event was sent.
            </Typography>
            {!replay.complete && (
              <Alert severity="warning">
                The window ended before the gate decided, so the verdict is
                inconclusive.
              </Alert>
            )}
          </>
        }
      />
    </section>
  );
}

/**
 * Replays a gate over the release's past canary window — a configured gate
 * by name, or a changed definition — to answer "would this gate have caught
 * it?". Shown to users with `release-ledger.gate.replay`.
 */
export function GateReplayForm(props: {
  releaseId: string;
  /** The release's evaluations, offered as definitions to start from. */
  evaluations?: GateVerdictEvidence[];
}) {
  const { releaseId, evaluations = [] } = props;
  const classes = useStyles();
  const api = useApi(releaseLedgerApiRef);
  const { allowed, loading: checking } = usePermission({
    permission: releaseLedgerGateReplayPermission,
  });
  const [mode, setMode] = useState<Mode>('gate');
  const [gate, setGate] = useState('');
  const [definitionText, setDefinitionText] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const [replay, setReplay] = useState<GateReplay | undefined>();

  if (checking) {
    return null;
  }
  if (!allowed) {
    return (
      <Typography variant="caption" component="p" className={classes.muted}>
        Someone with the release-ledger.gate.replay permission can replay a gate
        over this release's canary window.
      </Typography>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    let request: ReplayGateRequest;
    if (mode === 'definition') {
      const read = readDefinition(definitionText);
      if ('problem' in read) {
        setProblem(read.problem);
        return;
      }
      request = { definition: read.definition };
    } else {
      request = gate.trim() ? { gate: gate.trim() } : {};
    }
    setProblem(undefined);
    setBusy(true);
    setError(undefined);
    setReplay(undefined);
    try {
      setReplay(await api.replayGate(releaseId, request));
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-label="Replay a gate">
      <Typography component="h3" variant="subtitle1">
        Replay a gate over this canary
      </Typography>
      <Typography variant="body2" className={classes.muted}>
        Would a gate have caught it? A replay measures the release's past canary
        window; it stores nothing and sends no event.
      </Typography>
      <form className={classes.form} onSubmit={submit} noValidate>
        <RadioGroup
          row
          aria-label="What to replay"
          value={mode}
          onChange={e => setMode(e.target.value as Mode)}
        >
          <FormControlLabel
            value="gate"
            control={<Radio size="small" />}
            label="A configured gate"
          />
          <FormControlLabel
            value="definition"
            control={<Radio size="small" />}
            label="A changed definition"
          />
        </RadioGroup>
        {mode === 'gate' ? (
          <TextField
            id="release-ledger-replay-gate"
            label="Gate name"
            variant="outlined"
            size="small"
            value={gate}
            onChange={e => setGate(e.target.value)}
            helperText="A gate set under releaseLedger.gates; leave blank for the release's own gate."
          />
        ) : (
          <>
            {evaluations.length > 0 && (
              <div className={classes.actions}>
                {evaluations.map(evaluation => (
                  <Button
                    key={evaluation.gate}
                    size="small"
                    variant="outlined"
                    onClick={() => {
                      setDefinitionText(
                        JSON.stringify(definitionOf(evaluation), null, 2),
                      );
                      setProblem(undefined);
                    }}
                  >
                    Start from {evaluation.gate}
                  </Button>
                ))}
              </div>
            )}
            <TextField
              id="release-ledger-replay-definition"
              label="Gate definition (JSON)"
              variant="outlined"
              multiline
              minRows={8}
              className={classes.definition}
              value={definitionText}
              onChange={e => {
                setDefinitionText(e.target.value);
                setProblem(undefined);
              }}
              error={Boolean(problem)}
              helperText={
                problem ??
                'The shape of one releaseLedger.gates.<name> entry: { "checks": [ … ] }'
              }
            />
          </>
        )}
        <div className={classes.actions}>
          <Button
            type="submit"
            variant="contained"
            color="primary"
            disabled={busy}
          >
            {busy ? 'Replaying…' : 'Replay'}
          </Button>
        </div>
        {busy && <LinearProgress />}
      </form>
      {error && (
        <Box mt={2}>
          <Alert severity="error">
            <span className={classes.error}>
              Replay failed: {errorMessage(error)}
            </span>
          </Alert>
        </Box>
      )}
      {replay && <ReplayResult replay={replay} />}
    </section>
  );
}
