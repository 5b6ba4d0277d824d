/**
 * Prometheus metrics: request counts and durations by route and status, plus Node's default metrics.
 *
 * The two request metrics are kept in plain per-series counters and bucket arrays and handed to prom-client's
 * registry as custom metrics, formatted only when /metrics is scraped: prom-client's own Counter and Histogram
 * hash the label set on every observation, which measured at a tenth of a small answer's throughput.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';

export interface ServerMetrics {
  registry: Registry;
  observe(method: string, route: string, status: number, seconds: number): void;
}

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Series {
  labels: { method: string; route: string; status: string };
  count: number;
  sum: number;
  /** Observations per bucket (not cumulative); the last one is +Inf. */
  buckets: Float64Array;
}

type Value = { labels: Record<string, string>; value: number; metricName?: string };

/** A registry per server, so several servers in one process (tests) do not share counters. */
export function createMetrics(): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'greenlight_' });
  const series = new Map<string, Series>();

  const requests = 'greenlight_http_requests_total';
  const durations = 'greenlight_http_request_duration_seconds';
  const custom = (name: string, help: string, type: 'counter' | 'histogram', values: () => Value[]) => {
    const get = async () => ({ name, help, type, values: values(), aggregator: 'sum' as const });
    // A metric as the registry reads it (name, help, type, get): see prom-client's Registry.registerMetric.
    registry.registerMetric({ name, help, type, get, getForPromString: get } as never);
  };
  custom(requests, 'HTTP requests answered, by method, route pattern and status', 'counter', () =>
    [...series.values()].map((s) => ({ labels: s.labels, value: s.count })),
  );
  custom(
    durations,
    'HTTP request durations in seconds, by method, route pattern and status',
    'histogram',
    () => {
      const out: Value[] = [];
      for (const s of series.values()) {
        let cumulative = 0;
        for (let i = 0; i <= BUCKETS.length; i++) {
          cumulative += s.buckets[i]!;
          const le = i < BUCKETS.length ? String(BUCKETS[i]) : '+Inf';
          out.push({ metricName: `${durations}_bucket`, labels: { ...s.labels, le }, value: cumulative });
        }
        out.push({ metricName: `${durations}_sum`, labels: s.labels, value: s.sum });
        out.push({ metricName: `${durations}_count`, labels: s.labels, value: s.count });
      }
      return out;
    },
  );

  return {
    registry,
    observe(method, route, status, seconds) {
      const key = `${method} ${status} ${route}`;
      let s = series.get(key);
      if (s === undefined) {
        s = {
          labels: { method, route, status: String(status) },
          count: 0,
          sum: 0,
          buckets: new Float64Array(BUCKETS.length + 1),
        };
        series.set(key, s);
      }
      s.count++;
      s.sum += seconds;
      let i = 0;
      while (i < BUCKETS.length && seconds > BUCKETS[i]!) i++;
      s.buckets[i]!++;
    },
  };
}
