/**
 * What a gate metric provider answers. Every outcome of talking to the
 * metrics backend is a value, so evaluators never need try/catch around a
 * measurement and the evidence can show exactly what happened.
 */

/** A single number measured at one time. @public */
export type GateValueResult = { kind: 'value'; value: number };

/**
 * Nothing to measure: the query selected no series (`no-series`), or its only
 * sample was NaN (`nan`, e.g. `0/0` when a canary has no traffic). Both are
 * "no data" and are judged by the check's `noData` policy, never as a number.
 *
 * @public
 */
export type GateNoDataResult = { kind: 'no-data'; cause?: 'no-series' | 'nan' };

/**
 * Why a measurement could not be taken:
 * - `bad_query`: the backend rejected the query (Prometheus HTTP 400 `bad_data`);
 * - `execution`: the query failed while running (Prometheus HTTP 422 `execution`);
 * - `timeout`: no answer within the configured time-out (or the backend's own query time-out);
 * - `unreachable`: no connection (refused, DNS, reset);
 * - `http`: any other non-success HTTP answer (401, 502 from a proxy, ...);
 * - `invalid_response`: an answer the provider cannot read, or of a type gates cannot use;
 * - `multiple_series`: the query returned several series where a gate needs one number.
 *
 * @public
 */
export type GateErrorType =
  | 'bad_query'
  | 'execution'
  | 'timeout'
  | 'unreachable'
  | 'http'
  | 'invalid_response'
  | 'multiple_series';

/** A failed measurement; `message` is the backend's own words where it gave any. @public */
export type GateErrorResult = {
  kind: 'error';
  errorType: GateErrorType;
  message: string;
  httpStatus?: number;
};

/** The answer to one instant query. @public */
export type GateQueryResult =
  | GateValueResult
  | GateNoDataResult
  | GateErrorResult;

/** One step of a range query; steps without a sample are `no-data`. @public */
export type GateRangePoint = {
  at: Date;
  result: GateValueResult | GateNoDataResult;
};

/** The answer to a range query: one point per step from start to end. @public */
export type GateRangeResult =
  | { kind: 'range'; points: GateRangePoint[] }
  | GateErrorResult;

/** An alert that was firing at the time asked about. @public */
export type FiringAlert = { labels: Record<string, string> };

/** The answer to a firing-alerts question: possibly none. @public */
export type GateAlertsResult =
  | { kind: 'alerts'; alerts: FiringAlert[] }
  | GateErrorResult;
