// PromQL's own duration grammar (units largest first, each at most once), so
// a check's interval can be used as `{{interval}}` in a range selector as is.
// `ms`-style libraries accept "1 minute" or "1.5h", which PromQL rejects.
const PROMQL_DURATION =
  /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

const UNIT_MS = [
  365 * 24 * 3600_000,
  7 * 24 * 3600_000,
  24 * 3600_000,
  3600_000,
  60_000,
  1000,
  1,
];

/**
 * Parses a PromQL duration such as `30s`, `5m` or `1h30m` into milliseconds.
 * Returns `undefined` for anything PromQL would not accept as a duration.
 *
 * @public
 */
export function parsePromQLDuration(text: string): number | undefined {
  const match = PROMQL_DURATION.exec(text);
  if (!text || !match) {
    return undefined;
  }
  return match
    .slice(1)
    .reduce(
      (total, amount, i) =>
        amount === undefined ? total : total + Number(amount) * UNIT_MS[i],
      0,
    );
}
