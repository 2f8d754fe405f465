import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  type CommsMessage,
  type ReleaseComms,
  releaseLedgerCommsManagePermission,
} from '@release-ledger/plugin-release-ledger-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { releaseLedgerApiRef } from '../../api';
import { errorMessage } from '../../utils/errors';
import { formatUtc } from '../../utils/format';
import { plural } from '../../utils/formatMetrics';
import { SlackBlocks } from './SlackBlocks';

const useStyles = makeStyles(
  theme => ({
    banner: { marginBottom: theme.spacing(2) },
    problems: { margin: 0, paddingLeft: theme.spacing(2.5) },
    message: {
      display: 'flex',
      gap: theme.spacing(1),
      padding: theme.spacing(1, 0),
    },
    avatar: {
      flex: 'none',
      width: 36,
      height: 36,
      borderRadius: 6,
      display: 'flex',
      alignItems: 'center',
      justifyContent: 'center',
      backgroundColor: theme.palette.primary.main,
      color: theme.palette.primary.contrastText,
      fontWeight: theme.typography.fontWeightBold as number,
      fontSize: '0.8rem',
    },
    replyAvatar: { width: 28, height: 28, fontSize: '0.7rem' },
    body: { flex: 1, minWidth: 0 },
    byline: {
      display: 'flex',
      flexWrap: 'wrap',
      alignItems: 'center',
      gap: theme.spacing(0.75),
    },
    botName: { fontWeight: theme.typography.fontWeightBold as number },
    appBadge: {
      fontSize: '0.625rem',
      fontWeight: theme.typography.fontWeightBold as number,
      padding: '0 3px',
      borderRadius: 2,
      backgroundColor: theme.palette.action.selected,
      color: theme.palette.text.secondary,
    },
    time: { color: theme.palette.text.secondary, fontSize: '0.75rem' },
    state: {
      display: 'flex',
      flexWrap: 'wrap',
      alignItems: 'center',
      gap: theme.spacing(1),
      marginTop: theme.spacing(0.5),
      fontSize: '0.75rem',
    },
    detail: { color: theme.palette.text.secondary, overflowWrap: 'anywhere' },
    parkedReason: {
      color: theme.palette.error.main,
      fontWeight: theme.typography.fontWeightMedium as number,
      overflowWrap: 'anywhere',
    },
    // Doubled class selector, so the colour wins over MuiChip's own.
    delivered: {
      '&&': {
        color: theme.palette.success.dark,
        borderColor: theme.palette.success.main,
      },
    },
    parked: {
      '&&': {
        backgroundColor: theme.palette.error.main,
        color: theme.palette.error.contrastText,
      },
    },
    replyCount: {
      color: theme.palette.type === 'dark' ? '#1d9bd1' : '#1264a3',
      fontWeight: theme.typography.fontWeightBold as number,
      fontSize: '0.8rem',
      margin: theme.spacing(0.5, 0, 0, 5.5),
    },
    replies: {
      listStyle: 'none',
      margin: theme.spacing(0, 0, 0, 5.5),
      padding: theme.spacing(0, 0, 0, 1.5),
      borderLeft: `2px solid ${theme.palette.divider}`,
    },
    broadcast: { color: theme.palette.text.secondary, fontSize: '0.75rem' },
    unavailable: { color: theme.palette.text.secondary, fontStyle: 'italic' },
    muted: { color: theme.palette.text.secondary },
  }),
  { name: 'ReleaseLedgerCommsPreview' },
);

/** `#payments-releases`; channel ids (`C0123…`) and `#names` as they are. */
function channelLabel(channel: string): string {
  return channel.startsWith('#') || /^[CGD][A-Z0-9]{6,}$/.test(channel)
    ? channel
    : `#${channel}`;
}

/** Where the message is on its way to Slack, and why it stopped if it did. */
function DeliveryState(props: { message: CommsMessage }) {
  const { message } = props;
  const classes = useStyles();
  switch (message.state) {
    case 'delivered':
      return (
        <div className={classes.state}>
          <Chip
            size="small"
            variant="outlined"
            className={classes.delivered}
            label="✓ delivered"
          />
          {message.slackTs && (
            <span
              className={classes.detail}
              title={
                message.deliveredAt
                  ? `delivered ${formatUtc(message.deliveredAt)}`
                  : undefined
              }
            >
              Slack ts {message.slackTs}
            </span>
          )}
        </div>
      );
    case 'parked':
      return (
        <div className={classes.state}>
          <Chip size="small" className={classes.parked} label="parked" />
          <span className={classes.parkedReason}>
            {message.lastError ?? 'Slack refused it; no reason was recorded'}
          </span>
        </div>
      );
    case 'not_delivered':
      return (
        <div className={classes.state}>
          <Chip
            size="small"
            variant="outlined"
            label="not delivered: Slack not configured"
          />
        </div>
      );
    case 'pending':
    default:
      return (
        <div className={classes.state}>
          <Chip size="small" variant="outlined" label="waiting to send" />
          {message.attempts > 0 && (
            <span className={classes.detail}>
              {plural(message.attempts, 'attempt')} so far
            </span>
          )}
          {message.lastError && (
            <span className={classes.detail}>
              last error: {message.lastError}
            </span>
          )}
        </div>
      );
  }
}

function SlackMessage(props: {
  message: CommsMessage;
  reply?: boolean;
  channel?: string;
}) {
  const { message, reply, channel } = props;
  const classes = useStyles();
  return (
    <div className={classes.message}>
      <div
        className={`${classes.avatar} ${reply ? classes.replyAvatar : ''}`}
        aria-hidden
      >
        RL
      </div>
      <div className={classes.body}>
        <div className={classes.byline}>
          <Typography component="span" className={classes.botName}>
            Release Ledger
          </Typography>
          <span className={classes.appBadge}>APP</span>
          <time className={classes.time} dateTime={message.orderAt}>
            {formatUtc(message.orderAt)}
          </time>
        </div>
        {message.broadcast && (
          <div className={classes.broadcast}>
            ↪ also sent to {channel ? channelLabel(channel) : 'the channel'}
          </div>
        )}
        {message.message ? (
          <SlackBlocks message={message.message} />
        ) : (
          <Typography variant="body2" className={classes.unavailable}>
            This message can no longer be shown.
          </Typography>
        )}
        <DeliveryState message={message} />
      </div>
    </div>
  );
}

/** Parent first, then replies in event order, the way Slack threads them. */
function threadOrder(messages: CommsMessage[]) {
  const byTime = [...messages].sort(
    (a, b) => a.orderAt.localeCompare(b.orderAt) || a.id - b.id,
  );
  return {
    parent: byTime.find(m => m.kind === 'parent'),
    replies: byTime.filter(m => m.kind !== 'parent'),
  };
}

function Thread(props: { comms: ReleaseComms }) {
  const { comms } = props;
  const classes = useStyles();
  const { parent, replies } = threadOrder(comms.messages);
  return (
    <>
      {parent && (
        <div aria-label="Thread parent" role="article">
          <SlackMessage message={parent} channel={comms.channel} />
        </div>
      )}
      {replies.length > 0 && (
        <>
          <Typography component="div" className={classes.replyCount}>
            {plural(replies.length, 'reply', 'replies')}
          </Typography>
          <ol className={classes.replies} aria-label="Replies">
            {replies.map(message => (
              <li key={message.id}>
                <SlackMessage message={message} channel={comms.channel} reply />
              </li>
            ))}
          </ol>
        </>
      )}
    </>
  );
}

function Banners(props: { comms: ReleaseComms }) {
  const { delivery } = props.comms;
  const classes = useStyles();
  return (
    <>
      {delivery.mode === 'not_configured' && (
        // Not an error: a demo without Slack is a normal way to run.
        <Alert severity="info" role="status" className={classes.banner}>
          Slack is not configured — this is how the thread would look; set{' '}
          <code>releaseLedger.slack.token</code>.
        </Alert>
      )}
      {delivery.problems.length > 0 && (
        <Alert severity="warning" className={classes.banner}>
          <AlertTitle>Slack delivery problems</AlertTitle>
          <ul className={classes.problems} aria-label="Delivery problems">
            {delivery.problems.map(problem => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </Alert>
      )}
    </>
  );
}

/**
 * Parked messages wait for a person: they see why, fix it (a channel, the
 * token), and, with `release-ledger.comms.manage`, put them back in line.
 */
function ParkedNotice(props: {
  releaseId: string;
  parked: number;
  onRequeued: () => void;
}) {
  const { releaseId, parked, onRequeued } = props;
  const classes = useStyles();
  const api = useApi(releaseLedgerApiRef);
  const { allowed: canManage, loading: checking } = usePermission({
    permission: releaseLedgerCommsManagePermission,
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>();

  const requeue = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.requeueParked(releaseId);
      onRequeued();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Alert
      severity="error"
      className={classes.banner}
      action={
        canManage && (
          <Button
            color="inherit"
            size="small"
            onClick={requeue}
            disabled={busy}
          >
            {busy ? 'Retrying…' : 'Retry parked messages'}
          </Button>
        )
      }
    >
      {plural(parked, 'message')} parked: Slack refused{' '}
      {parked === 1 ? 'it' : 'them'} (the reason is under each message).
      {!checking &&
        !canManage &&
        ' Someone with the release-ledger.comms.manage permission can retry after fixing the cause.'}
      {error && (
        <Box mt={1} role="alert">
          Could not retry: {errorMessage(error)}
        </Box>
      )}
    </Alert>
  );
}

/** @public */
export type CommsPreviewProps = {
  releaseId: string;
};

/**
 * A release's Slack thread as the ledger holds it, drawn the way Slack shows
 * it, with each message's delivery state; it works without Slack, which is
 * how a demo shows the comms.
 *
 * @public
 */
export function CommsPreview(props: CommsPreviewProps) {
  const { releaseId } = props;
  const classes = useStyles();
  const api = useApi(releaseLedgerApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getReleaseComms(releaseId),
    [api, releaseId],
  );
  const [requeued, setRequeued] = useState(false);

  let content;
  // A reload after a retry keeps the thread on screen.
  if (loading && !value) {
    content = <Progress />;
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else if (value) {
    const parked = value.messages.filter(m => m.state === 'parked').length;
    content = (
      <>
        <Banners comms={value} />
        {parked > 0 && (
          <ParkedNotice
            releaseId={releaseId}
            parked={parked}
            onRequeued={() => {
              setRequeued(true);
              retry();
            }}
          />
        )}
        {requeued && parked === 0 && (
          <Alert severity="success" className={classes.banner}>
            Parked messages are back in line; the outbox sends them shortly.
          </Alert>
        )}
        {value.messages.length === 0 ? (
          <Typography variant="body2" className={classes.muted}>
            No messages yet.
          </Typography>
        ) : (
          <Thread comms={value} />
        )}
      </>
    );
  }

  const subheader = value?.channel
    ? `In ${channelLabel(value.channel)}`
    : value && 'Not routed to a channel yet';

  return (
    <section aria-label="Slack thread">
      <InfoCard title="Slack thread" subheader={subheader || undefined}>
        {content}
      </InfoCard>
    </section>
  );
}
