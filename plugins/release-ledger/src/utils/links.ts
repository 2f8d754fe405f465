/** How pipelines record releases: the event API in the project's README. */
export const RECORDING_RELEASES_DOCS_URL =
  'https://github.com/release-ledger/release-ledger#the-event-api';
