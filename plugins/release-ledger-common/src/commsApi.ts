/**
 * Shapes of the comms endpoints: a release's Slack thread as the outbox
 * holds it (the portal's comms preview) and the delivery status.
 */

/** A Block Kit text object: `mrkdwn`, or `plain_text` (headers, with `emoji`). @public */
export type SlackTextObject = { type: string; text: string; emoji?: boolean };

/** A Block Kit block, as rendered for Slack. @public */
export type SlackBlock = {
  type: string;
  text?: SlackTextObject;
  fields?: SlackTextObject[];
  elements?: SlackTextObject[];
};

/** A rendered Slack message. @public */
export type SlackMessagePreview = { text: string; blocks: SlackBlock[] };

/**
 * Where a message is: `pending` (waiting to be routed or sent), `delivered`,
 * `parked` (needs a person; see `lastError`), `not_delivered` (Slack is
 * not configured; kept as it would have been sent).
 *
 * @public
 */
export type CommsMessageState =
  | 'pending'
  | 'delivered'
  | 'parked'
  | 'not_delivered';

/** One message of a release's thread. @public */
export type CommsMessage = {
  id: number;
  /** parent (the status card), reply, card (an update of the parent), summary, pm_summary. */
  kind: string;
  state: CommsMessageState;
  /** Event time that orders it in the thread. */
  orderAt: string;
  attempts: number;
  lastError?: string;
  slackTs?: string;
  deliveredAt?: string;
  /** Also shown in the channel (rollbacks, SEV-1/SEV-2 incidents). */
  broadcast: boolean;
  /** The message as sent, or as it would be sent; absent if it cannot be rendered. */
  message?: SlackMessagePreview;
};

/** How the backend delivers messages. @public */
export type CommsDelivery = {
  /** `slack` when a token is configured and delivery is on. */
  mode: 'slack' | 'not_configured';
  /** Configuration problems worth a person's attention. */
  problems: string[];
};

/** A release's Slack thread as the ledger holds it. @public */
export type ReleaseComms = {
  releaseId: string;
  delivery: CommsDelivery;
  /** Channel the thread lives in, once routed. */
  channel?: string;
  /** The thread's parent ts, once posted. */
  threadTs?: string;
  messages: CommsMessage[];
};

/** Outbox health, for operators. @public */
export type CommsStatus = {
  delivery: CommsDelivery;
  counts: Record<CommsMessageState, number>;
};
