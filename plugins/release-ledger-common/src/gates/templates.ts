import { parsePromQLDuration } from './durations';

/**
 * Values a query template may use:
 * `{{entity}}` (the entity's name, as Prometheus labels usually carry it),
 * `{{entityRef}}` (`component:default/payments`), `{{version}}`,
 * `{{environment}}`, `{{interval}}` (the check's interval, a PromQL duration)
 * and `{{annotation.<key>}}` (any annotation of the entity).
 *
 * @public
 */
export type QueryVariables = {
  entity?: string;
  entityRef?: string;
  version?: string;
  environment?: string;
  interval?: string;
  annotations?: Record<string, string>;
};

/** The variable names a template may use, besides `annotation.<key>`. @public */
export const QUERY_VARIABLES = [
  'entity',
  'entityRef',
  'version',
  'environment',
  'interval',
] as const;

/** A template that cannot be rendered safely; the message says why. @public */
export class QueryTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryTemplateError';
  }
}

const PLACEHOLDER =
  /^\{\{\s*([A-Za-z][A-Za-z0-9]*)(?:\.([A-Za-z0-9._/-]+))?\s*\}\}/;

// Outside string literals a value becomes PromQL syntax, so only characters
// that cannot start an operator, selector, string or comment are allowed.
const SAFE_BARE_VALUE = /^[A-Za-z0-9_:.]+$/;

// Lexical context of a placeholder in PromQL.
type Context = 'code' | 'comment' | '"' | "'" | '`';

type Placeholder = { name: string; key?: string; text: string };

/**
 * Renders a PromQL query template. Values are inserted so that they can only
 * ever be data:
 *
 * - inside a quoted string (`"…"`, `'…'`) a value is escaped (`\`, the quote,
 *   control characters); in a regex matcher (`=~`, `!~`) it is also
 *   regex-quoted, so it matches itself literally;
 * - inside a raw string (`` `…` ``) a value containing a backtick is rejected;
 * - anywhere else a value must consist only of letters, digits, `_`, `:` and
 *   `.` (e.g. a metric name), or it is rejected;
 * - `{{interval}}` must be a PromQL duration such as `1m`.
 *
 * Unknown variables, missing values, empty values and unclosed `{{` are
 * rejected. Substituted text is never scanned again, so a value containing
 * `{{…}}` stays literal.
 *
 * @throws QueryTemplateError
 * @public
 */
export function renderQuery(template: string, vars: QueryVariables): string {
  return scan(template, (placeholder, context, regex) =>
    insert(placeholder, valueOf(placeholder, vars), context, regex),
  );
}

/**
 * Checks a template's placeholders and quoting without values, as config
 * validation does at startup.
 *
 * @returns the problem, or undefined when the template is well formed
 * @public
 */
export function validateQueryTemplate(template: string): string | undefined {
  try {
    scan(template, () => '');
    return undefined;
  } catch (error) {
    if (error instanceof QueryTemplateError) {
      return error.message;
    }
    throw error;
  }
}

/**
 * Checks the placeholders of a plain-value template (see `renderValueTemplate`).
 *
 * @returns the problem, or undefined when the template is well formed
 * @public
 */
export function validateValueTemplate(template: string): string | undefined {
  try {
    substitute(template, () => '');
    return undefined;
  } catch (error) {
    if (error instanceof QueryTemplateError) {
      return error.message;
    }
    throw error;
  }
}

/**
 * Renders a template for a plain value (an alert label value): variables are
 * substituted as they are; the consumer escapes the result for its own syntax.
 *
 * @throws QueryTemplateError
 * @public
 */
export function renderValueTemplate(
  template: string,
  vars: QueryVariables,
): string {
  return substitute(template, placeholder => valueOf(placeholder, vars));
}

function substitute(
  template: string,
  render: (placeholder: Placeholder) => string,
): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    if (template.startsWith('{{', i)) {
      const placeholder = readPlaceholder(template, i);
      out += render(placeholder);
      i += placeholder.text.length;
    } else {
      out += template[i];
      i += 1;
    }
  }
  return out;
}

/**
 * Writes a value as a double-quoted PromQL string literal.
 *
 * @public
 */
export function quotePromQLString(value: string): string {
  return `"${escapeForQuote(value, '"')}"`;
}

function scan(
  template: string,
  render: (
    placeholder: Placeholder,
    context: Context,
    regex: boolean,
  ) => string,
): string {
  let out = '';
  let context: Context = 'code';
  let regex = false;
  // The last character of `out` that is not a space, and the one just
  // before it: enough to tell a string opened after `=~` or `!~` without
  // reading `out` back (a regex over all of it at each quote was quadratic).
  let prev = '';
  let lastSolid = '';
  let beforeSolid = '';
  const append = (text: string) => {
    out += text;
    for (const c of text) {
      if (!/\s/.test(c)) {
        beforeSolid = prev;
        lastSolid = c;
      }
      prev = c;
    }
  };
  let i = 0;
  while (i < template.length) {
    if (template.startsWith('{{', i)) {
      const placeholder = readPlaceholder(template, i);
      append(render(placeholder, context, regex));
      i += placeholder.text.length;
      continue;
    }
    const char = template[i];
    if (context === 'code' && (char === '"' || char === "'" || char === '`')) {
      regex = lastSolid === '~' && (beforeSolid === '=' || beforeSolid === '!');
    }
    append(char);
    i += 1;
    if (context === 'code') {
      if (char === '"' || char === "'" || char === '`') {
        context = char;
      } else if (char === '#') {
        context = 'comment';
      }
    } else if (context === 'comment') {
      if (char === '\n') {
        context = 'code';
      }
    } else if (context === '"' || context === "'") {
      if (char === '\\' && i < template.length) {
        append(template[i]);
        i += 1;
      } else if (char === context) {
        context = 'code';
      } else if (char === '\n') {
        throw new QueryTemplateError(
          `unterminated string literal: newline at position ${i - 1}`,
        );
      }
    } else if (char === '`') {
      context = 'code';
    }
  }
  if (context !== 'code' && context !== 'comment') {
    throw new QueryTemplateError(
      `unterminated string literal: missing closing ${context}`,
    );
  }
  return out;
}

function readPlaceholder(template: string, at: number): Placeholder {
  const match = PLACEHOLDER.exec(template.slice(at));
  if (!match) {
    const end = template.indexOf('}}', at);
    const shown =
      end < 0 ? template.slice(at, at + 30) : template.slice(at, end + 2);
    throw new QueryTemplateError(
      end < 0
        ? `unclosed '{{' at position ${at}: ${shown}`
        : `malformed placeholder ${shown}; use {{name}} or {{annotation.<key>}}`,
    );
  }
  const [text, name, key] = match;
  if (name === 'annotation' ? !key : key !== undefined) {
    throw new QueryTemplateError(
      name === 'annotation'
        ? `${text} needs a key: {{annotation.<key>}}`
        : `unknown variable ${text}; known: ${knownVariables()}`,
    );
  }
  if (
    name !== 'annotation' &&
    !(QUERY_VARIABLES as readonly string[]).includes(name)
  ) {
    throw new QueryTemplateError(
      `unknown variable ${text}; known: ${knownVariables()}`,
    );
  }
  return { name, key, text };
}

function knownVariables(): string {
  return [...QUERY_VARIABLES, 'annotation.<key>']
    .map(name => `{{${name}}}`)
    .join(', ');
}

/** Own keys only: `{{annotation.constructor}}` must not find Object's. */
function annotation(
  annotations: Record<string, string> | undefined,
  key: string,
): string | undefined {
  return annotations && Object.hasOwn(annotations, key)
    ? annotations[key]
    : undefined;
}

function valueOf(placeholder: Placeholder, vars: QueryVariables): string {
  const { name, key, text } = placeholder;
  const value =
    name === 'annotation'
      ? annotation(vars.annotations, key!)
      : vars[name as (typeof QUERY_VARIABLES)[number]];
  if (value === undefined) {
    throw new QueryTemplateError(
      name === 'annotation'
        ? `${text}: the entity has no annotation '${key}'`
        : `${text}: no value for this release`,
    );
  }
  if (value === '') {
    throw new QueryTemplateError(`${text}: the value is empty`);
  }
  if (name === 'interval' && !parsePromQLDuration(value)) {
    throw new QueryTemplateError(
      `${text}: '${value}' is not a PromQL duration like 1m or 30s`,
    );
  }
  return value;
}

function insert(
  placeholder: Placeholder,
  value: string,
  context: Context,
  regex: boolean,
): string {
  if (context === 'code' || context === 'comment') {
    if (!SAFE_BARE_VALUE.test(value)) {
      throw new QueryTemplateError(
        `${placeholder.text}: ${JSON.stringify(
          value,
        )} may only contain letters, digits, '_', ':' and '.' outside quotes; put the placeholder inside "…" to use it as a label value`,
      );
    }
    return value;
  }
  const literal = regex ? quoteRegex(value) : value;
  if (context === '`') {
    if (literal.includes('`')) {
      throw new QueryTemplateError(
        `${placeholder.text}: a value inside a \`raw string\` cannot contain a backtick; use "…" instead`,
      );
    }
    return literal;
  }
  return escapeForQuote(literal, context);
}

// RE2 metacharacters, as Go's regexp.QuoteMeta escapes them.
function quoteRegex(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

function escapeForQuote(value: string, quote: '"' | "'"): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === '\\' || char === quote) {
      out += `\\${char}`;
    } else if (char === '\n') {
      out += '\\n';
    } else if (char === '\r') {
      out += '\\r';
    } else if (char === '\t') {
      out += '\\t';
    } else if (code < 0x20 || code === 0x7f) {
      out += `\\x${code.toString(16).padStart(2, '0')}`;
    } else {
      out += char;
    }
  }
  return out;
}
