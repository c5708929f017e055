/**
 * The outage matrix: one table row per way a dependency can fail, run through
 * the whole service (scheduler, thresholds, store, routes) and read back the
 * way its users read it: /api/health/checks/:name, /detailed, /readiness and
 * /metrics via app.inject, plus the status-change log line.
 *
 * A row says how to arrange the dependency (start a server, point at a
 * blackhole, break it) and what to expect; `runRow` picks the timings that
 * make each kind of expectation fast and deterministic, builds the real app
 * from YAML and asserts.
 */
import net from 'node:net';
import type { Test } from 'tap';
import type { ErrorKind } from '../../src/types';
import { eventually, startApp, type TestApp } from './app';
import { openSocketCount } from './http';

export type Json = Record<string, any>;
export const json = (body: string): Json => JSON.parse(body) as Json;

/** The check under test is always named after its row's file (e.g. `postgres`), critical, alone. */
export interface Arranged {
  /** The check's options as the inside of a YAML flow mapping, e.g. `type: redis, url: "redis://…"`. */
  readonly check: string;
  /** For `outage` rows: breaks and repairs the dependency (same address). */
  readonly stop?: () => Promise<void>;
  readonly start?: () => Promise<void>;
}

export type Expectation =
  /** ok, with details matching this tap `match` pattern. */
  | { readonly kind: 'ok'; readonly details: Record<string, unknown>; readonly also?: (t: Test, details: Json) => void }
  /** stop -> error of this kind after exactly failureThreshold probes; start -> ok again. */
  | { readonly kind: 'outage'; readonly errorKind: ErrorKind; readonly error: string | RegExp }
  /**
   * A blackhole: every probe ends at the check's timeout, routes answer meanwhile.
   * `early`: the driver's own connect timeout may end a probe first (kind still
   * timeout, never later than the check's timeout); only where that is reported.
   */
  | { readonly kind: 'timeout'; readonly early?: boolean }
  /** Answers, but slower than the row's degradedLatency (ms, also set in its YAML). */
  | { readonly kind: 'slow'; readonly degradedLatency: number }
  /** Answers, but not as expected. `errorKind`/`error` are left unchecked only where a known bug is reported. */
  | { readonly kind: 'answer'; readonly status: 'error' | 'degraded'; readonly errorKind?: ErrorKind; readonly error?: string | RegExp }
  /** After `cycles` probes against a dead or hung dependency, sockets held stay at what one probe left. */
  | { readonly kind: 'sockets'; readonly cycles: number };

export interface Row {
  /** Reads as a sentence. */
  readonly name: string;
  /** Replaces the expectation's default timings (a YAML flow-mapping fragment). */
  readonly timings?: string;
  /** Starts or points at what the row needs; anything started is destroyed in `t.teardown`. */
  arrange(t: Test): Promise<Arranged>;
  readonly expect: Expectation;
}

/** Timings per expectation (a row's own YAML keys win). */
const TIMINGS: Readonly<Record<Expectation['kind'], string>> = {
  ok: 'interval: 1s, timeout: 900ms, failureThreshold: 1',
  answer: 'interval: 1s, timeout: 900ms, failureThreshold: 1',
  slow: 'interval: 2s, timeout: 1500ms, failureThreshold: 1',
  // Short enough to see three failures fast, long enough for a slow machine.
  outage: 'interval: 500ms, timeout: 400ms, failureThreshold: 3, successThreshold: 1',
  // One scheduled probe, then only those the test asks for with refresh.
  timeout: 'interval: 60s, timeout: 1500ms, failureThreshold: 1',
  sockets: 'interval: 60s, timeout: 100ms, failureThreshold: 1',
};

/** Runs one row of the matrix against the real app; `name` is the check's name. */
export async function runRow(t: Test, name: string, row: Row): Promise<void> {
  const arranged = await row.arrange(t);
  const yaml = `checks:\n  - { name: ${name}, ${row.timings ?? TIMINGS[row.expect.kind]}, ${arranged.check} }\n`;
  const h = await startApp(yaml);
  t.teardown(() => h.close());
  const probe = new Prober(h, name);
  const e = row.expect;
  switch (e.kind) {
    case 'ok':
      await expectOk(t, probe, e.details);
      return e.also?.(t, (await probe.entry()).details);
    case 'outage':
      if (!arranged.stop || !arranged.start) throw new Error(`row "${row.name}" has no stop/start`);
      return expectOutage(t, probe, e, arranged.stop, arranged.start);
    case 'timeout':
      return expectTimeout(t, probe, h.config.checks[0]!.timeout, e.early === true);
    case 'slow':
      return expectSlow(t, probe, e.degradedLatency);
    case 'answer':
      return expectAnswer(t, probe, e);
    case 'sockets':
      return expectBoundedSockets(t, probe, e.cycles);
  }
}

/** Reads one check through the app's routes. */
export class Prober {
  constructor(
    readonly h: TestApp,
    readonly name: string,
  ) {}

  async entry(): Promise<Json> {
    return json((await this.h.app.inject({ url: `/api/health/checks/${this.name}` })).body);
  }

  async detailed(headers: Record<string, string> = {}) {
    const res = await this.h.app.inject({ url: '/api/health/detailed', headers });
    return { statusCode: res.statusCode, headers: res.headers, body: json(res.body) };
  }

  async readiness() {
    const res = await this.h.app.inject({ url: '/api/health/readiness' });
    return { statusCode: res.statusCode, body: json(res.body) };
  }

  async refresh() {
    const res = await this.h.app.inject({ method: 'POST', url: '/api/health/refresh' });
    return { statusCode: res.statusCode, body: json(res.body) };
  }

  async metrics(): Promise<string> {
    return (await this.h.app.inject({ url: '/metrics' })).body;
  }

  /** The entry once `pred` holds (polling the route), or a failure naming `what`. */
  until(pred: (e: Json) => boolean, what: string, timeoutMs = 20_000): Promise<Json> {
    return eventually(async () => {
      const e = await this.entry();
      return pred(e) ? e : null;
    }, `${this.name}: ${what}`, timeoutMs);
  }

  /** Status-change log lines of this check, optionally only those to `to`. */
  changes(to?: string): Json[] {
    return this.h.logs().filter((l) => (l.context as Json | undefined)?.check === this.name && (to === undefined || (l.context as Json).to === to));
  }
}

/** Value of one sample in a Prometheus exposition, or undefined. Labels not given are not constrained. */
export function sample(text: string, metric: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== metric) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

/** Sum of health_check_runs_total over every result and reason for one check. */
export function runsOf(text: string, check: string): number {
  let n = 0;
  for (const m of text.matchAll(/^health_check_runs_total\{([^}]*)\} (\S+)$/gm)) {
    if (m[1]!.includes(`check="${check}"`)) n += Number(m[2]);
  }
  return n;
}

/** health_check_runs_total for one check, result and reason (0 when absent). */
export function runsWith(text: string, check: string, result: string, reason: string): number {
  return sample(text, 'health_check_runs_total', { check, result, reason }) ?? 0;
}

/** health_check_up and health_check_status agree with the served status, on every scrape. */
function gauges(t: Test, text: string, check: string, status: 'ok' | 'degraded' | 'error'): void {
  t.equal(sample(text, 'health_check_up', { check }), status === 'error' ? 0 : 1, `health_check_up for ${status}`);
  t.equal(sample(text, 'health_check_status', { check, status }), 1, `health_check_status{status="${status}"} is 1`);
}

async function expectOk(t: Test, p: Prober, details: Record<string, unknown>): Promise<void> {
  const e = await p.until((x) => x.status !== 'unknown', 'a first result');
  t.equal(e.status, 'ok', `ok (${e.error ?? ''})`);
  t.match(e, { error: null, error_kind: null, caused_by: null, consecutive_failures: 0, duration_ms: Number });
  t.match(e.details, details, 'details carry real values from the dependency');
  const ready = await p.readiness();
  t.equal(ready.statusCode, 200);
  const d = await p.detailed();
  t.equal(d.statusCode, 200);
  t.equal(d.body.status, 'ok');
  const m = await p.metrics();
  t.ok(runsWith(m, p.name, 'ok', 'none') >= 1, 'runs counted as ok');
  gauges(t, m, p.name, 'ok');
}

async function expectOutage(
  t: Test,
  p: Prober,
  e: Extract<Expectation, { kind: 'outage' }>,
  stop: () => Promise<void>,
  start: () => Promise<void>,
): Promise<void> {
  const { interval, failureThreshold } = p.h.config.checks[0]!;
  await p.until((x) => x.status === 'ok', 'ok before the outage');
  await stop();

  // The first failures may be the server saying goodbye (e.g. "shutting down"); then it settles on refused.
  const down = await p.until((x) => x.status === 'error' && x.error_kind === e.errorKind, `error of kind ${e.errorKind}`);
  t.match(down.error, e.error);
  t.notMatch(JSON.stringify(down), /127\.0\.0\.1|localhost/, 'the entry names no host');

  const toError = p.changes('error');
  t.equal(toError.length, 1, 'the change to error is logged once');
  t.equal(toError[0]?.level, 'ERROR', 'at ERROR: the check is critical');
  t.equal(toError[0]?.context.consecutive_failures, failureThreshold, `turned error on failed probe number ${failureThreshold}, not before`);

  const ready = await p.readiness();
  t.equal(ready.statusCode, 503);
  t.same(ready.body, { status: 'error', failing: [p.name] });
  const d = await p.detailed();
  t.equal(d.statusCode, 503);
  t.equal(d.body.status, 'error');
  const m = await p.metrics();
  t.ok(runsWith(m, p.name, 'error', e.errorKind) >= failureThreshold, `failed runs counted with reason ${e.errorKind}`);
  gauges(t, m, p.name, 'error');

  await start();
  const restarted = Date.now();
  // The next probe (one interval) plus backoff and a slow machine: a few intervals, never a service restart.
  const bound = 4 * interval + 3000;
  const back = await p.until((x) => x.status === 'ok', `ok within ${bound} ms of the restart`, bound);
  t.pass(`recovered ${Date.now() - restarted} ms after the restart (bound ${bound} ms)`);
  t.match(back, { error: null, error_kind: null, consecutive_failures: 0 });
  t.equal((await p.readiness()).statusCode, 200, 'ready again');
  const recovered = p.changes().filter((l) => l.context.from === 'error');
  t.equal(recovered.length, 1, 'the recovery is logged once');
  t.equal(recovered[0]?.level, 'INFO');
}

async function expectTimeout(t: Test, p: Prober, timeout: number, early: boolean): Promise<void> {
  const atTimeout = (e: Json, what: string) => {
    t.equal(e.error_kind, 'timeout', `${what}: kind timeout`);
    if (early) {
      t.match(e.error, /^timed out/, `${what}: ${e.error}`);
      t.ok(e.duration_ms < timeout + 3000, `${what} ended by its timeout (${e.duration_ms} ms)`);
      return;
    }
    t.equal(e.error, `timed out after ${timeout} ms`, `${what}: the scheduler's sentence`);
    t.ok(e.duration_ms >= timeout - 10 && e.duration_ms < timeout + 3000, `${what} ended at its timeout (${e.duration_ms} ms)`);
  };
  const first = await p.until((x) => x.status === 'error', 'the first probe to time out');
  atTimeout(first, 'the first probe');

  // Start a probe and read the routes while it hangs: they answer from the cache.
  let refreshed = false;
  const refreshing = p.refresh().then((r) => ((refreshed = true), r));
  const ready = await p.readiness();
  const d = await p.detailed();
  const m = await p.metrics();
  if (!early) t.notOk(refreshed, 'readiness, detailed and metrics answered while the probe was still in flight');
  t.equal(ready.statusCode, 503);
  t.same(ready.body, { status: 'error', failing: [p.name] });
  t.equal(d.statusCode, 503);
  t.equal(d.body.checks[p.name].error_kind, 'timeout');
  t.ok(runsWith(m, p.name, 'error', 'timeout') >= 1, 'runs counted with reason timeout');
  gauges(t, m, p.name, 'error');

  const r = await refreshing;
  const again = r.body.checks[p.name];
  t.ok(Date.parse(again.checked_at) > Date.parse(first.checked_at), 'refresh ran a new probe');
  atTimeout(again, 'the refreshed probe');
}

async function expectSlow(t: Test, p: Prober, degradedLatency: number): Promise<void> {
  const e = await p.until((x) => x.status !== 'unknown', 'a first result');
  t.equal(e.status, 'degraded', `degraded (${e.error ?? ''})`);
  t.match(e.error, new RegExp(`^slower than ${degradedLatency} ms \\(took \\d+ ms\\)$`));
  t.ok(e.duration_ms > degradedLatency, `took ${e.duration_ms} ms`);
  t.equal(e.consecutive_failures, 0, 'slow is not a failure');
  const ready = await p.readiness();
  t.equal(ready.statusCode, 200, 'degraded does not fail readiness');
  const d = await p.detailed();
  t.equal(d.statusCode, 200);
  t.equal(d.body.status, 'degraded');
  const m = await p.metrics();
  t.ok(runsWith(m, p.name, 'degraded', 'none') >= 1, 'runs counted as degraded');
  gauges(t, m, p.name, 'degraded');
}

async function expectAnswer(t: Test, p: Prober, e: Extract<Expectation, { kind: 'answer' }>): Promise<void> {
  const got = await p.until((x) => x.status !== 'unknown', 'a first result');
  t.equal(got.status, e.status, `status (error: ${got.error})`);
  if (e.errorKind !== undefined) t.equal(got.error_kind, e.errorKind, `error_kind (error: ${got.error})`);
  if (e.error !== undefined) t.match(got.error, e.error, 'error sentence');
  t.notMatch(JSON.stringify(got), /127\.0\.0\.1|localhost/, 'the entry names no host');
  const ready = await p.readiness();
  const d = await p.detailed();
  if (e.status === 'error') {
    t.equal(ready.statusCode, 503);
    t.same(ready.body, { status: 'error', failing: [p.name] });
    t.equal(d.statusCode, 503);
  } else {
    t.equal(ready.statusCode, 200, 'degraded does not fail readiness');
    t.equal(d.statusCode, 200);
    t.equal(d.body.status, 'degraded');
  }
  const m = await p.metrics();
  t.ok(runsWith(m, p.name, e.status, got.error_kind ?? 'none') >= 1, `runs counted as ${e.status} with reason ${got.error_kind}`);
  gauges(t, m, p.name, e.status);
}

async function expectBoundedSockets(t: Test, p: Prober, cycles: number): Promise<void> {
  await p.until((x) => x.status === 'error', 'the first failed probe');
  await p.refresh();
  const baseline = openSocketCount();
  const runs0 = runsOf(await p.metrics(), p.name);
  let runs = runs0;
  // A refresh that finds a probe still settling waits for it instead of starting one: count real runs.
  for (let i = 0; runs < runs0 + cycles && i < cycles * 4; i++) {
    await p.refresh();
    runs = runsOf(await p.metrics(), p.name);
  }
  t.ok(runs >= runs0 + cycles, `${runs - runs0} more probes ran`);
  const last = await p.entry();
  t.equal(last.status, 'error', `still error (${last.error})`);
  // Sockets close asynchronously; a leak never drops back.
  const settled = await eventually(() => openSocketCount() <= baseline + 3, 'sockets back near the baseline', 5000).catch(() => false);
  t.ok(settled, `open sockets after ${cycles} more probes: ${openSocketCount()} (after one: ${baseline})`);
}

/** A TCP proxy that delays everything the target sends back by `delayMs`: a slow network or a slow server. */
export async function startDelayProxy(targetPort: number, delayMs: number) {
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
  };
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
    track(client);
    track(upstream);
    client.on('data', (c: Buffer) => upstream.write(c));
    // Timers of equal duration fire in the order they were set, so chunks keep their order.
    upstream.on('data', (c: Buffer) => setTimeout(() => client.destroyed || client.write(c), delayMs));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => setTimeout(() => client.destroy(), delayMs));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A server started on first use and shared by a file's rows that do not break it. */
export function lazy<T>(make: () => Promise<T>, destroy: (v: T) => Promise<void> | void) {
  let started: Promise<T> | null = null;
  return {
    get: (): Promise<T> => (started ??= make()),
    async destroy(): Promise<void> {
      if (started) await destroy(await started);
    },
  };
}
