import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.js';

describe('request metrics', () => {
  it('counts requests and fills cumulative duration buckets (le = less than or equal) per route and status', async () => {
    const m = createMetrics();
    for (const s of [0.001, 0.005, 0.02, 0.3, 20]) m.observe('GET', '/v1/models', 200, s);
    m.observe('POST', '/v1/incidents', 201, 0.05);
    const text = await m.registry.metrics();
    const line = (l: string) => expect(text).toContain(`${l}\n`);
    line('greenlight_http_requests_total{method="GET",route="/v1/models",status="200"} 5');
    line('greenlight_http_requests_total{method="POST",route="/v1/incidents",status="201"} 1');
    const b = 'greenlight_http_request_duration_seconds_bucket{method="GET",route="/v1/models",status="200"';
    line(`${b},le="0.005"} 2`);
    line(`${b},le="0.01"} 2`);
    line(`${b},le="0.025"} 3`);
    line(`${b},le="0.25"} 3`);
    line(`${b},le="0.5"} 4`);
    line(`${b},le="10"} 4`);
    line(`${b},le="+Inf"} 5`);
    line('greenlight_http_request_duration_seconds_count{method="GET",route="/v1/models",status="200"} 5');
    expect(text).toMatch(
      /greenlight_http_request_duration_seconds_sum\{method="GET",route="\/v1\/models",status="200"\} 20\.326/,
    );
    expect(text).toContain('# TYPE greenlight_http_request_duration_seconds histogram');
    expect(text).toContain('# TYPE greenlight_http_requests_total counter');
    expect(text).toContain('greenlight_process_cpu_user_seconds_total');
  });
});
