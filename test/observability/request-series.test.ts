/**
 * The per-request series are kept outside prom-client (request-series.ts) but
 * must read exactly as prom-client's own Counter and Histogram would: same
 * lines, same order, same cumulative buckets, in the registry's text.
 */
import t from 'tap';
import { Counter, Histogram, Registry } from 'prom-client';
import { FastCounter, FastHistogram } from '../../src/observability/request-series';

const BUCKETS = [0.001, 0.01, 0.1, 1];
const LABELS = ['method', 'route', 'status_code'];
const values = [0.0004, 0.001, 0.002, 0.05, 0.05, 0.7, 3, 12.5];
const series = [
  { method: 'GET', route: '/api/health', status_code: '200' },
  { method: 'POST', route: '/api/health/refresh', status_code: '401' },
];

t.test('a FastHistogram renders what a prom-client Histogram renders for the same observations', async (t) => {
  const ours = new Registry();
  const theirs = new Registry();
  const fast = new FastHistogram('req_seconds', 'Request time.', LABELS, BUCKETS, [ours]);
  const reference = new Histogram({ name: 'req_seconds', help: 'Request time.', labelNames: LABELS, buckets: BUCKETS, registers: [theirs] });
  for (const labels of series) {
    const child = fast.child(labels);
    for (const v of values) {
      child.observe(v);
      reference.observe(labels, v);
    }
  }
  const text = await ours.metrics();
  t.equal(text, await theirs.metrics());
  t.match(text, /req_seconds_bucket\{le="0.01",method="GET",route="\/api\/health",status_code="200"\} 3\n/, 'cumulative: 0.0004, 0.001, 0.002 are <= 0.01');
  t.match(text, /req_seconds_count\{method="GET",route="\/api\/health",status_code="200"\} 8\n/);
});

t.test('a FastCounter renders what a prom-client Counter renders; a series is found once and kept', async (t) => {
  const ours = new Registry();
  const theirs = new Registry();
  const fast = new FastCounter('req_total', 'Requests.', LABELS, [ours]);
  const reference = new Counter({ name: 'req_total', help: 'Requests.', labelNames: LABELS, registers: [theirs] });
  for (const [i, labels] of series.entries()) {
    for (let n = 0; n <= i + 2; n++) {
      fast.child({ ...labels }).inc();
      reference.inc(labels);
    }
  }
  t.equal(await ours.metrics(), await theirs.metrics());
  t.equal(fast.child(series[0]!), fast.child({ ...series[0]! }), 'the same labels give the same series');
  t.not(fast.child(series[0]!), fast.child(series[1]!));
  fast.reset();
  t.equal(await ours.metrics(), '# HELP req_total Requests.\n# TYPE req_total counter\n', 'reset forgets every series');
});

t.test('labels outside the metric\'s own names are not exported', async (t) => {
  const reg = new Registry();
  const byCode = new FastCounter('codes_total', 'By code.', ['status_code'], [reg]);
  byCode.child({ method: 'GET', route: '/x', status_code: '503' }).inc();
  byCode.child({ method: 'POST', route: '/y', status_code: '503' }).inc();
  t.match(await reg.metrics(), /\ncodes_total\{status_code="503"\} 2\n/);
});
