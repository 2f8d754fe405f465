/**
 * Delay before retry number `attempt` (1-based): exponential from `baseMs`,
 * capped at `maxMs`, with "equal jitter" (half fixed, half random) so a
 * burst of failures does not come back as a burst of retries.
 */
export function backoffDelayMs(
  attempt: number,
  options: { baseMs?: number; maxMs?: number; random?: () => number } = {},
): number {
  const { baseMs = 1000, maxMs = 5 * 60_000, random = Math.random } = options;
  const exponential = Math.min(
    maxMs,
    baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)),
  );
  return Math.round(exponential / 2 + random() * (exponential / 2));
}
