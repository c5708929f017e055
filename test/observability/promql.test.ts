/** The PromQL reading the metric-name checks rely on: it must find every name and nothing else. */
import t from 'tap';
import { baseName, exposition, metricNames, selectorLabels } from './promql';

const names: Array<[string, string[]]> = [
  ['health_status == 0', ['health_status']],
  ['max by (job, check, type) (health_check_up{critical="true"}) == 0', ['health_check_up']],
  ['up{job=~".*health-aggregator.*"} == 0 or absent(up{job=~"x"})', ['up']],
  [
    'histogram_quantile(0.95, sum by (le, route) (rate(http_request_duration_seconds_bucket{job=~"$job"}[$__rate_interval])))',
    ['http_request_duration_seconds_bucket'],
  ],
  ['time() - min by (check) (health_check_last_success_timestamp_seconds) > 1800', ['health_check_last_success_timestamp_seconds']],
  ['a_metric and on (job, check) b_metric{status="error or unless"}', ['a_metric', 'b_metric']],
  ['count(x == 0) or vector(0) * 1e3', ['x']],
  ['job:http_requests_unexpected_5xx:ratio_rate5m > 0.05', ['job:http_requests_unexpected_5xx:ratio_rate5m']],
  ['sum without (status) (health_check_status{status="ok"}) * 3', ['health_check_status']],
];
for (const [expr, want] of names) {
  t.same([...metricNames(expr)].sort(), want.sort(), `metric names in: ${expr}`);
}

t.same(selectorLabels('max(health_check_up{critical="true", job=~"a,b=c"}) and on (job) x{state!="waiting"}'), [
  { metric: 'health_check_up', labels: ['critical', 'job'] },
  { metric: 'x', labels: ['state'] },
]);

t.test('histogram series map to their family, other names stay', async (t) => {
  const h = new Set(['http_request_duration_seconds']);
  t.equal(baseName('http_request_duration_seconds_bucket', h), 'http_request_duration_seconds');
  t.equal(baseName('http_request_duration_seconds_count', h), 'http_request_duration_seconds');
  t.equal(baseName('health_checks_configured_count', h), 'health_checks_configured_count');
});

t.test('exposition families carry their type and the labels of their samples', async (t) => {
  const f = exposition(
    '# TYPE a gauge\na{check="x",type="redis"} 1\n# TYPE h histogram\nh_bucket{le="1",route="/"} 1\nh_sum{route="/"} 1\nh_count{route="/"} 1\n',
  );
  t.same(f.get('a'), { type: 'gauge', labels: new Set(['check', 'type']) });
  t.same(f.get('h'), { type: 'histogram', labels: new Set(['le', 'route']) });
});
