/**
 * Limits on any JSON value that reaches the ledger from outside, checked
 * before anything recursive (schema validation, JSON.stringify, hashing)
 * runs on it:
 * - nesting depth, because a hostile depth overflows recursive code's stack;
 * - NUL characters, because PostgreSQL text cannot hold them;
 * - non-finite numbers (`1e999` parses to Infinity), because JSON cannot
 *   carry them back and they would be stored as `null`.
 */

/** Deepest nesting accepted in an event's `attributes`. @public */
export const MAX_ATTRIBUTES_DEPTH = 16;

/** Deepest nesting accepted in any request body (above the event's own limit). @public */
export const MAX_BODY_DEPTH = 32;

/** One problem with one field of an input. @public */
export type ValidationIssue = { field: string; message: string };

const KEY_SHOWN = 50;

function childField(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  const shown = key.length > KEY_SHOWN ? `${key.slice(0, KEY_SHOWN)}…` : key;
  const safe = shown.replaceAll('\u0000', '\\u0000');
  return parent ? `${parent}.${safe}` : safe;
}

/** `\u0000` as a message can show it. @public */
export const NUL_MESSAGE = 'must not contain NUL (\\u0000) characters';

/**
 * The first problem in `value`, named by its field path under `field`, or
 * undefined. Iterative, so its own stack does not grow with the input;
 * `maxDepth` counts the containers below `value` (an object in an object is
 * depth 2).
 *
 * @public
 */
export function findJsonProblem(
  value: unknown,
  field: string,
  maxDepth: number,
): ValidationIssue | undefined {
  const stack: Array<{ value: unknown; field: string; depth: number }> = [
    { value, field, depth: 0 },
  ];
  while (stack.length > 0) {
    const next = stack.pop()!;
    const v = next.value;
    const name = next.field || '(body)';
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return { field: name, message: NUL_MESSAGE };
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) {
        return { field: name, message: 'must be a finite number' };
      }
    } else if (v !== null && typeof v === 'object') {
      const depth = next.depth + 1;
      if (depth > maxDepth) {
        return {
          field: name,
          message: `must not nest deeper than ${maxDepth} levels`,
        };
      }
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) {
          stack.push({ value: v[i], field: childField(next.field, i), depth });
        }
      } else {
        const keys = Object.keys(v);
        for (let i = keys.length - 1; i >= 0; i--) {
          const key = keys[i];
          if (key.includes('\u0000')) {
            return {
              field: childField(next.field, key),
              message: NUL_MESSAGE,
            };
          }
          stack.push({
            value: (v as Record<string, unknown>)[key],
            field: childField(next.field, key),
            depth,
          });
        }
      }
    }
  }
  return undefined;
}
