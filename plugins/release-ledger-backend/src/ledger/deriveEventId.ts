import { createHash } from 'node:crypto';

function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** JSON with object keys sorted, so key order never makes two values differ. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => compareKeys(a, b));
    return `{${entries
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The idempotency key for an event sent without one: a hash of the event
 * exactly as sent (key order ignored), so a blind retry of the same body is
 * recognised as a duplicate. Defaults (timestamp = now) are not part of the
 * hash, or a retry a second later would look new. Two genuinely different
 * events must therefore differ in content: send a timestamp or an eventId.
 */
export function deriveEventId(raw: Record<string, unknown>): string {
  const { eventId: _ignored, ...content } = raw;
  const digest = createHash('sha256')
    .update(canonicalJson(content))
    .digest('hex');
  return `derived-${digest.slice(0, 40)}`;
}
