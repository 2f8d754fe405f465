/**
 * Catalog annotations read by Release Ledger. Existing community conventions
 * (`github.com/project-slug`, `argocd/app-name`) are reused where they exist;
 * our own live under the `release-ledger/` prefix.
 *
 * @public
 */
export const RELEASE_LEDGER_ANNOTATIONS = {
  /** Slack channel for the entity's release threads, e.g. `#payments-releases` or `C012345`. */
  slackChannel: 'release-ledger/slack-channel',
  /** Slack user group or handle mentioned on the status card, e.g. `@oncall-payments`. */
  oncall: 'release-ledger/oncall',
  /** Name of the gate set (under `releaseLedger.gates`) that guards canary promotion. */
  gates: 'release-ledger/gates',
  /** Location of the release checklist markdown; default `RELEASE_CHECKLIST.md` beside catalog-info.yaml. */
  checklist: 'release-ledger/checklist',
  /** Set to `"false"` to hide Release Ledger for an entity. */
  enabled: 'release-ledger/enabled',
} as const;

/** Existing annotations that Release Ledger understands. @public */
export const REUSED_ANNOTATIONS = {
  githubProjectSlug: 'github.com/project-slug',
  argocdAppName: 'argocd/app-name',
  sourceLocation: 'backstage.io/source-location',
} as const;
