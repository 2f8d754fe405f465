/** One sample of a backfilled series; `at` is in milliseconds since the epoch. */
export type BackfillSample = {
  labels: Record<string, string>;
  value: number;
  at: number;
};

/**
 * A metric family to backfill. For a counter, `name` is the family name
 * (`http_requests`) and samples are written as `<name>_total`, as
 * OpenMetrics requires.
 */
export type BackfillFamily = {
  name: string;
  type: 'counter' | 'gauge';
  samples: BackfillSample[];
};

/**
 * Writes the text `promtool tsdb create-blocks-from openmetrics` reads:
 * families one after the other, each series' samples in time order,
 * timestamps in seconds, and the closing `# EOF`.
 */
export function toOpenMetrics(families: BackfillFamily[]): string {
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# TYPE ${family.name} ${family.type}`);
    const sampleName =
      family.type === 'counter' ? `${family.name}_total` : family.name;
    const bySeries = new Map<string, BackfillSample[]>();
    for (const sample of family.samples) {
      const key = formatLabels(sample.labels);
      bySeries.set(key, [...(bySeries.get(key) ?? []), sample]);
    }
    for (const [labels, samples] of bySeries) {
      for (const sample of [...samples].sort((a, b) => a.at - b.at)) {
        lines.push(
          `${sampleName}${labels} ${formatValue(sample.value)} ${
            sample.at / 1000
          }`,
        );
      }
    }
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

function formatLabels(labels: Record<string, string>): string {
  const pairs = Object.keys(labels)
    .sort()
    .map(
      name =>
        `${name}="${labels[name]
          .replace(/\\/g, '\\\\')
          .replace(/"/g, '\\"')
          .replace(/\n/g, '\\n')}"`,
    );
  return pairs.length ? `{${pairs.join(',')}}` : '';
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) {
    return 'NaN';
  }
  if (!Number.isFinite(value)) {
    return value > 0 ? '+Inf' : '-Inf';
  }
  return String(value);
}
