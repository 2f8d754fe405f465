import {
  GateCheckDefinition,
  GateMeasurement,
  QueryTemplateError,
  QueryVariables,
  RELEASE_GATE_ALERT_LABEL,
  renderQuery,
  renderValueTemplate,
} from '@release-ledger/plugin-release-ledger-common';
import type {
  GateMetricProvider,
  GateQueryOptions,
} from '@release-ledger/plugin-release-ledger-node';
import { alertsSelector } from '../prometheus';

/** What a check sends: a PromQL query, or the labels of the alerts to look for. */
export type RenderedCheck =
  | { kind: 'query'; query: string }
  | { kind: 'alert'; matchers: Record<string, string>; query: string }
  | { kind: 'invalid'; query: string; message: string };

/**
 * Fills a check's templates with the evaluation's variables. A value that
 * cannot be inserted safely (see `renderQuery`) makes every measurement of
 * the check an error that says why, instead of sending anything.
 */
export function renderCheck(
  check: GateCheckDefinition,
  variables: QueryVariables,
): RenderedCheck {
  const vars = { ...variables, interval: check.interval };
  try {
    if (check.kind === 'query') {
      return { kind: 'query', query: renderQuery(check.query, vars) };
    }
    const matchers = {
      ...Object.fromEntries(
        Object.entries(check.labels).map(([name, value]) => [
          name,
          renderValueTemplate(value, vars),
        ]),
      ),
      ...RELEASE_GATE_ALERT_LABEL,
    };
    // Shown as evidence in the form Prometheus is asked (ALERTS{…}).
    return { kind: 'alert', matchers, query: alertsSelector(matchers) };
  } catch (error) {
    if (!(error instanceof QueryTemplateError)) throw error;
    return {
      kind: 'invalid',
      query:
        check.kind === 'query' ? check.query : JSON.stringify(check.labels),
      message: `template not rendered: ${error.message}`,
    };
  }
}

/**
 * Takes one measurement of a rendered check at `at`: the query's value, or
 * for alert checks the number of firing alerts (named in `detail`).
 */
export async function measureCheck(
  provider: GateMetricProvider,
  rendered: RenderedCheck,
  at: Date,
  options?: GateQueryOptions,
): Promise<GateMeasurement> {
  const base = { at: at.toISOString(), query: rendered.query };
  if (rendered.kind === 'invalid') {
    return {
      ...base,
      result: {
        kind: 'error',
        errorType: 'bad_query',
        message: rendered.message,
      },
    };
  }
  if (rendered.kind === 'query') {
    return {
      ...base,
      result: await provider.instantQuery(rendered.query, at, options),
    };
  }
  const answer = await provider.firingAlerts(rendered.matchers, at, options);
  if (answer.kind !== 'alerts') return { ...base, result: answer };
  return alertsMeasurement(base, answer.alerts);
}

/** The measurement of an alert check from the alerts firing at its time. */
export function alertsMeasurement(
  base: { at: string; query: string },
  alerts: { labels: Record<string, string> }[],
): GateMeasurement {
  const names = alerts.map(a => a.labels.alertname ?? 'unnamed alert');
  return {
    ...base,
    result: { kind: 'value', value: alerts.length },
    ...(names.length ? { detail: names.join(', ') } : {}),
  };
}
