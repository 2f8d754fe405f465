export interface Config {
  /** Release Ledger. Every key has a default; the plugin starts without this section. */
  releaseLedger?: {
    ingest?: {
      /**
       * Largest accepted request body for `POST /events`, in bytes or with a
       * unit (`5mb`). A batch of 1000 events is typically under 1 MB.
       * Default `5mb`.
       */
      maxBodySize?: string | number;
    };
    slack?: {
      /**
       * Bot token. Absent: messages are rendered and kept, not delivered.
       * @visibility secret
       */
      token?: string;
      /** Slack Web API base URL (GovSlack, proxies, tests). Default `https://slack.com/api/`. */
      apiUrl?: string;
      /** Channel for entities without a `release-ledger/slack-channel` annotation. */
      defaultChannel?: string;
    };
    prometheus?: {
      /** Prometheus base URL used by SLO gates. */
      url?: string;
    };
    metrics?: {
      /** Default band set for DORA figures: `dora-2023` (default), `dora-2021`, or a name from `bandSets`. */
      bandSet?: string;
      /**
       * Custom band sets by name (lower-case). Each maps every metric to its
       * steps, best band first, e.g.
       * `leadTime: [{ band: elite, max: 24 }, { band: high, max: 168 }, ...]`
       * (hours; change failure rate as a fraction; deployment frequency in
       * deploy days per week with `min`).
       */
      bandSets?: {
        [name: string]: {
          description?: string;
          deploymentFrequency: Array<{ band: string; min: number }>;
          leadTime: Array<{ band: string; max: number }>;
          changeFailureRate: Array<{ band: string; max: number }>;
          timeToRestore: Array<{ band: string; max: number }>;
        };
      };
      /** Change failure rate target shown on the leadership page, 0–1. Default 0.15. */
      changeFailureRateTarget?: number;
      /** Fewest samples for a figure to get a band; below it the figure says "not enough data". Default 5. */
      minSamples?: number;
      /**
       * Hours after a promotion within which an incident sent without a
       * release is attributed to the entity's latest promoted release.
       * Default 72.
       */
      incidentAttributionWindowHours?: number;
    };
  };
}
