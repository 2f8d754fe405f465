import type { ErrorRequestHandler } from 'express';

/** Seconds a caller should wait before retrying a request that met an outage. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

/** Socket errors: the peer (database, catalog) is not there right now. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * PostgreSQL states that mean "the server is restarting or full", not "your
 * statement is wrong": admin/crash shutdown, cannot connect now, too many
 * connections; and SQLite's busy/locked (another process holds the file).
 */
const DATABASE_CODES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '53300',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
]);

const DATABASE_MESSAGES = [
  /Connection terminated/i,
  /Client has encountered a connection error/i,
  /Unable to acquire a connection/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
];

/**
 * Which dependency an error says is briefly away, or undefined when the error
 * is something else (a bug, bad data) and must stay a 500. Pure: it only
 * reads the error and its causes.
 */
export function dependencyOutage(
  error: unknown,
): 'database' | 'service' | undefined {
  for (let e: any = error, hops = 0; e && hops < 5; e = e.cause, hops++) {
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (code && (DATABASE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) {
      return 'database';
    }
    if (e.name === 'KnexTimeoutError') return 'database';
    const message = typeof e.message === 'string' ? e.message : '';
    if (DATABASE_MESSAGES.some(m => m.test(message))) return 'database';
    if (code && NETWORK_CODES.has(code)) return 'service';
    // A Backstage service (the catalog) answered 5xx, or fetch never connected.
    const status = e.response?.status ?? e.statusCode;
    if (e.name === 'ResponseError' && status >= 500) return 'service';
    if (e.name === 'TypeError' && message === 'fetch failed') {
      return 'service';
    }
  }
  return undefined;
}

/**
 * Turns an outage of something the ledger depends on into 503 with
 * Retry-After, which pipelines and the CLI retry, instead of a 500 that
 * they must treat as final. Everything else goes on to Backstage's error
 * middleware (which shows no stack trace outside development).
 */
export function answerOutagesWith503(logger: {
  warn(message: string): void;
}): ErrorRequestHandler {
  return (error, req, res, next) => {
    const dependency = dependencyOutage(error);
    if (!dependency || res.headersSent) return next(error);
    logger.warn(
      `${req.method} ${req.path} answered 503: ${dependency} is unavailable (${
        (error as Error)?.message ?? error
      })`,
    );
    res.setHeader('Retry-After', String(OUTAGE_RETRY_AFTER_SECONDS));
    return res.status(503).json({
      error: {
        name: 'ServiceUnavailableError',
        message: `${
          dependency === 'database'
            ? 'the database'
            : 'a service the ledger calls (e.g. the catalog)'
        } is briefly unavailable; retry in ${OUTAGE_RETRY_AFTER_SECONDS} s`,
      },
      response: { statusCode: 503 },
    });
  };
}
