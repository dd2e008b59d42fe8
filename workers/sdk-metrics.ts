// Temporal's own SDK metrics (workflow and activity outcomes and latencies, task slots, polls,
// sticky cache) in the same Prometheus registry as ours: the runtime buffers Core's metric updates
// (MetricsBuffer) and each drain replays them into prom-client metrics, so a process has one
// /metrics endpoint. Names keep Core's `temporal_` prefix; durations are in seconds.
import type { MetricTags } from '@temporalio/common';
import { MetricsBuffer } from '@temporalio/worker';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export const sdkMetrics = new Registry();
export const metricsBuffer = new MetricsBuffer({ maxBufferSize: 100_000, useSecondsForDurations: true });

const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

type Bridged = { labels: string[]; counter?: Counter; gauge?: Gauge; histogram?: Histogram };
const bridged = new Map<string, Bridged>();

/** Prometheus names: Core's names are already snake_case; counters get the conventional _total. */
function promName(name: string, kind: string): string {
  const clean = name.replace(/[^a-zA-Z0-9_:]/g, '_');
  return kind === 'counter' && !clean.endsWith('_total') ? `${clean}_total` : clean;
}

function labelValues(labels: string[], attributes: MetricTags): Record<string, string> {
  return Object.fromEntries(labels.map((label) => [label, attributes[label] === undefined ? '' : String(attributes[label])]));
}

function metricFor(name: string, kind: string, description: string | undefined, attributes: MetricTags): Bridged {
  const key = `${kind}:${name}`;
  let entry = bridged.get(key);
  if (entry) return entry;
  // A metric's labels are those of its first update; later updates keep to them.
  const labels = Object.keys(attributes).map((l) => l.replace(/[^a-zA-Z0-9_]/g, '_'));
  const common = { name: promName(name, kind), help: description || name, labelNames: labels, registers: [sdkMetrics] };
  entry = { labels };
  if (kind === 'counter') entry.counter = new Counter(common);
  else if (kind === 'histogram') entry.histogram = new Histogram({ ...common, buckets: DURATION_BUCKETS });
  else entry.gauge = new Gauge(common);
  bridged.set(key, entry);
  return entry;
}

/** Moves what Core recorded since the last drain into the registry (called before each scrape and every few seconds). */
export function drainSdkMetrics(): void {
  for (const update of metricsBuffer.retrieveUpdates()) {
    const { metric, value, attributes } = update;
    const entry = metricFor(metric.name, metric.kind, metric.description, attributes);
    const labels = labelValues(entry.labels, attributes);
    if (entry.counter) entry.counter.inc(labels, value);
    else if (entry.histogram) entry.histogram.observe(labels, value);
    else if (entry.gauge) {
      if (metric.kind === 'up-down-counter') entry.gauge.inc(labels, value);
      else entry.gauge.set(labels, value);
    }
  }
}
