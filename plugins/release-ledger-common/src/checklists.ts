/**
 * A release checklist: pre-release, during-release and post-release items
 * kept as markdown in the service's repository and pinned to each release
 * when it starts.
 */

/** When in a release a section's items are done. @public */
export type ChecklistPhase = 'pre' | 'during' | 'post';

/** @public */
export const CHECKLIST_PHASES: readonly ChecklistPhase[] = [
  'pre',
  'during',
  'post',
];

/** @public */
export type ChecklistItem = {
  /** Stable within one version of the file: `<phase>.<slug of the text>`. */
  id: string;
  text: string;
  /** Pre-release items that are required hold promotion until ticked. */
  required: boolean;
  /** 1-based line in the file. */
  line: number;
  /**
   * In a release's checklist: the latest `checklist_item_checked` event
   * that ticked it (absent when it is not ticked, or was unticked).
   */
  checked?: ChecklistTick;
};

/** Who ticked a release's checklist item, and when. @public */
export type ChecklistTick = {
  /** `attributes.by` of the event, when it names someone. */
  by?: string;
  /** The event's time. */
  at: string;
  eventId: string;
};

/** @public */
export type ChecklistSection = {
  phase: ChecklistPhase;
  /** The heading, without the owner and markers. */
  title: string;
  /** `(owner: …)` of the heading, e.g. `release engineer`. */
  ownerRole?: string;
  items: ChecklistItem[];
};

/** A parsed checklist file. @public */
export type Checklist = {
  /** The file's first level-1 heading, if any. */
  title?: string;
  /** In phase order; only the phases the file has. */
  sections: ChecklistSection[];
  /** What was read but not used, e.g. list lines without `[ ]`. */
  warnings: string[];
};

/**
 * `GET /releases/{releaseId}/checklist`: the checklist pinned to a release.
 * `pending` until the file is read after the release starts; `unavailable`
 * (with the reason) when the entity has no usable checklist file.
 *
 * @public
 */
export type ReleaseChecklist = {
  releaseId: string;
  entityRef: string;
  state: 'pending' | 'pinned' | 'unavailable';
  /** The commit the file was read at, when the release named one and its link could be pinned. */
  commit?: string;
  /** Where the file was read (a URL, or a path beside a local catalog file). */
  source?: string;
  /** sha256 of the file as read: the pinned version. */
  contentSha256?: string;
  pinnedAt?: string;
  reason?: string;
  checklist?: Checklist;
  /**
   * Required pre-release items not ticked: what holds the release from
   * promotion. Empty unless pinned.
   */
  openRequired: string[];
};

/** How often one checklist item was left unticked. @public */
export type SkippedChecklistItem = {
  id: string;
  text: string;
  phase: ChecklistPhase;
  required: boolean;
  /** Releases that finished with the item unticked. */
  skipped: number;
  /** Finished releases whose checklist had the item. */
  of: number;
};

/**
 * The checklist items an entity's releases most often finished without
 * ticking, most skipped first.
 *
 * @public
 */
export type SkippedChecklistItems = {
  entityRef: string;
  /** Finished releases with a pinned checklist that were looked at (the newest). */
  releases: number;
  items: SkippedChecklistItem[];
};
