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
      /** Band set for DORA figures: `dora-2023` (default) or `dora-2021`. */
      bandSet?: string;
      /** Change failure rate target shown on the leadership page, 0–1. Default 0.15. */
      changeFailureRateTarget?: number;
    };
  };
}
