/**
 * Replicas that share one PostgreSQL database share the work and the truth
 * (CONTRACT §5.6). This replica registers with a lease on the database's
 * clock, learns the live members, decides which checks it probes, publishes
 * what it decided and adopts what its peers decided.
 *
 * Nothing that serves a request or runs a probe ever waits on the database:
 * reads are answered from the local result store, results to publish are
 * queued (the latest per check), and one background loop talks to the
 * database, every POLL_MS. Polling, not LISTEN/NOTIFY: it needs no
 * long-lived session (it works through a transaction-pooling PgBouncer and
 * has no listener to re-establish after a restart), one indexed query every
 * 250 ms is cheap, and it bounds the lag (write at most 250 ms after the
 * probe, read at most 250 ms after the write) well within the 1 s promised.
 */
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { classifyError } from '../checks/errors';
import type { Scheduler } from '../scheduler/scheduler';
import { applyLatency } from '../state/thresholds';
import type { ResultStore } from '../store/store';
import type { CheckConfig, CheckState, Config, Logger, ProbeResult } from '../types';
import { assign } from './assignment';
import { majority, verdict, type Observation } from './quorum';
import { fromShared, observationFromShared, observationToShared, toShared } from './shared-state';
import * as sql from './sql';
import type { Cluster, ClusterView } from './types';

export type { Cluster, ClusterView } from './types';

/** ms between rounds while the store answers. */
export const POLL_MS = 250;
/** ms between attempts while it does not. */
const DOWN_RETRY_MS = 1_000;
/** Rows are re-read this far back: a write committed late (its updated_at earlier than our last read) is still seen. */
const OVERLAP_MS = 2_000;
/** ms close() waits for the last round, the last writes and leaving. */
const CLOSE_WAIT_MS = 3_000;

export interface ClusterDeps {
  readonly logger: Logger;
  /** Clock, epoch ms. Default Date.now. */
  readonly now?: () => number;
}

interface Member {
  readonly id: string;
  readonly location: string;
  /** Epoch ms, this replica's clock. */
  readonly lastSeen: number;
}

export function createCluster(config: Config, deps: ClusterDeps): Cluster {
  const cfg = config.cluster;
  if (!cfg) throw new Error('createCluster needs a cluster section');
  const now = deps.now ?? Date.now;
  const { logger } = deps;
  const service = config.service.name;
  const id = randomBytes(6).toString('hex');
  const startedAt = now();
  const names = config.checks.map((c) => c.name);
  const byName = new Map<string, CheckConfig>(config.checks.map((c) => [c.name, c]));
  // Long enough for a loaded database, short enough that a hung one is noticed well within a lease.
  const timeoutMs = Math.min(5_000, Math.max(1_500, cfg.leaseTime / 2));
  const pool = new Pool({
    connectionString: cfg.url,
    max: 2,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    statement_timeout: timeoutMs,
    idleTimeoutMillis: 10_000,
    application_name: 'health-aggregator-cluster',
  });
  // An idle client's error (the server restarting) must not crash the process; the next round notices.
  pool.on('error', () => undefined);

  let store: ResultStore | null = null;
  let scheduler: Scheduler | null = null;
  /** null until the first round ends: then whether the store answered. */
  let up: boolean | null = null;
  let schemaReady = false;
  let warnedNewer = false;
  let loadedOnce = false;
  let members: Member[] = [];
  let offset = 0;
  let owned = new Set<string>();
  let lastBeat = -Infinity;
  let lastPrune = -Infinity;
  let sinceResults = 0;
  let sinceObservations = 0;
  const pendingResults = new Map<string, sql.ResultRow>();
  const pendingObservations = new Map<string, sql.ObservationRow>();
  const observations = new Map<string, Map<string, Observation>>(names.map((n) => [n, new Map()]));
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let closed = false;

  const memberIds = () => members.map((m) => m.id);
  const isDecider = () => up === true && members[0]?.id === id;

  // The assignment is a pure function of the member list: hashed again only when the members change
  // (a pass costs a SHA-256 per check and member, ~140 ms for 10,000 checks and 3 members; rounds run every 250 ms).
  let ownersKey: string | null = null;
  let owners = new Map<string, string | null>();
  const ownersFor = (ids: readonly string[]): ReadonlyMap<string, string | null> => {
    const key = [...ids].sort().join('\u0000');
    if (key !== ownersKey) {
      owners = assign(names, ids);
      ownersKey = key;
    }
    return owners;
  };

  function computeOwned(): Set<string> {
    if (up === null) return new Set();
    if (up === false || cfg!.mode === 'quorum') return new Set(names);
    const all = memberIds();
    const mine = ownersFor(all.includes(id) ? all : [...all, id]);
    return new Set(names.filter((n) => mine.get(n) === id));
  }

  /** A check this replica just took over runs when it is next due by the shared schedule, not a full interval later. */
  function updateOwnership(): void {
    const before = owned;
    owned = computeOwned();
    if (!store || !scheduler) return;
    for (const name of owned) {
      if (before.has(name)) continue;
      const last = store.get(name)?.checkedAt ?? null;
      scheduler.runIn(name, last === null ? 0 : last + byName.get(name)!.interval - now());
    }
  }

  /** Serves this replica's decision with its location, and queues it for the peers. */
  function publish(name: string, extra: Partial<Pick<CheckState, 'observations'>> = {}): void {
    if (!store) return;
    let state = store.get(name)!;
    if (state.probedBy !== cfg!.location || extra.observations !== undefined) {
      // Same status: this re-serve announces no change; it only says who probed.
      store.adopt(name, { ...state, probedBy: cfg!.location, ...extra });
      state = store.get(name)!;
    }
    if (state.checkedAt === null) return;
    pendingResults.set(name, { check: name, state: toShared(state, offset), checkedAtMs: state.checkedAt + offset, probedBy: cfg!.location, member: id });
  }

  function recordQuorum(name: string, result: ProbeResult): void {
    const check = byName.get(name)!;
    const adjusted = applyLatency(result, check);
    const own: Observation = {
      member: id,
      location: cfg!.location,
      status: adjusted.status,
      error: adjusted.error,
      errorKind: adjusted.errorKind,
      checkedAt: adjusted.checkedAt,
      durationMs: adjusted.durationMs,
    };
    const seen = observations.get(name)!;
    seen.set(id, own);
    pendingObservations.set(name, { check: name, member: id, observation: observationToShared(own, offset), checkedAtMs: own.checkedAt + offset });
    // One member at a time turns observations into the served status (and so decides changes once).
    if (!isDecider()) return;
    const decided = verdict(own, result, [...seen.values()], { intervalMs: check.interval, quorum: cfg!.quorum ?? majority(members.length), now: now() });
    store!.record(name, decided.result);
    publish(name, { observations: decided.observations });
  }

  function adoptResults(rows: readonly sql.ResultRow[]): void {
    for (const row of rows) {
      const check = byName.get(row.check);
      if (row.member === id || !check || !store) continue;
      const state = fromShared(row.state, offset, row.check);
      if (!state || state.checkedAt === null) continue;
      const local = store.get(row.check);
      // Only what is newer than what we serve: rows are re-read, and our own probe may be fresher.
      if (local?.checkedAt != null && state.checkedAt <= local.checkedAt) continue;
      store.adopt(row.check, { ...state, type: check.type, critical: check.critical });
    }
  }

  function takeObservations(rows: readonly sql.ObservationRow[]): void {
    for (const row of rows) {
      const seen = observations.get(row.check);
      const o = observationFromShared(row.observation, offset);
      if (!seen || !o || row.member === id) continue;
      const prev = seen.get(row.member);
      if (!prev || prev.checkedAt < o.checkedAt) seen.set(row.member, o);
    }
  }

  async function flush<R extends { check: string }>(pending: Map<string, R>, write: (rows: R[]) => Promise<void>): Promise<void> {
    if (pending.size === 0) return;
    const rows = [...pending.values()];
    pending.clear();
    try {
      for (let i = 0; i < rows.length; i += 500) await write(rows.slice(i, i + 500));
    } catch (err) {
      // Kept for the next round unless a newer result for the same check was queued meanwhile.
      for (const r of rows) if (!pending.has(r.check)) pending.set(r.check, r);
      throw err;
    }
  }

  async function round(): Promise<void> {
    try {
      if (!schemaReady) {
        await pool.query(sql.migrationScript());
        const applied = await sql.appliedVersion(pool);
        if (applied > sql.SCHEMA_VERSION && !warnedNewer) {
          warnedNewer = true;
          logger.warn({ context: { applied, known: sql.SCHEMA_VERSION } }, 'cluster schema is newer than this replica: upgrade it');
        }
        schemaReady = true;
      }
      const beatAt = now();
      if (up !== true || beatAt - lastBeat >= cfg!.leaseTime / 3) {
        await sql.heartbeat(pool, service, id, cfg!.location);
        lastBeat = beatAt;
      }
      const asked = now();
      const live = await sql.liveMembers(pool, service, cfg!.leaseTime);
      offset = live.dbNow - (asked + now()) / 2;
      members = live.members.map((m) => ({ id: m.id, location: m.location, lastSeen: m.seenMs - offset }));
      await flush(pendingResults, (rows) => sql.writeResults(pool, service, rows));
      await flush(pendingObservations, (rows) => sql.writeObservations(pool, service, rows));
      const next = live.dbNow - OVERLAP_MS;
      adoptResults(await sql.resultsSince(pool, service, sinceResults));
      sinceResults = next;
      if (cfg!.mode === 'quorum') {
        takeObservations(await sql.observationsSince(pool, service, sinceObservations));
        sinceObservations = next;
      }
      if (now() - lastPrune > 3_600_000) {
        await sql.pruneMembers(pool, service);
        lastPrune = now();
      }
      if (up === false) logger.info({ context: { members: members.length } }, 'cluster store reachable again: rejoined the cluster');
      up = true;
      loadedOnce = true;
    } catch (err) {
      if (up !== false) {
        const { error, errorKind } = classifyError(err);
        // The classified sentence only: a driver message may name the host.
        logger.warn({ context: { error, error_kind: errorKind } }, 'cluster store unavailable: probing every check alone until it returns');
      }
      up = false;
      schemaReady = false;
      members = [];
      // Alone, this replica's own probes are what it serves.
      loadedOnce = true;
    }
    updateOwnership();
  }

  function loop(delayMs: number): void {
    if (closed) return;
    timer = setTimeout(() => {
      running = round().finally(() => {
        running = null;
        loop(up === false ? DOWN_RETRY_MS : POLL_MS);
      });
    }, delayMs);
    timer.unref();
  }

  const within = (p: Promise<unknown>, ms: number): Promise<unknown> => {
    let t: NodeJS.Timeout | undefined;
    return Promise.race([p, new Promise<void>((r) => (t = setTimeout(r, ms)))]).finally(() => clearTimeout(t));
  };

  return {
    id,
    staleGraceMs: cfg.leaseTime,
    owns: (name) => owned.has(name),
    record(name, result) {
      if (!store) return;
      if (cfg.mode === 'quorum' && up === true) return recordQuorum(name, result);
      // Shard owner, or alone (store down): this replica decides.
      store.record(name, result);
      publish(name);
    },
    start(s, sch) {
      if (store) return;
      store = s;
      scheduler = sch;
      loop(0);
    },
    loaded: () => loadedOnce,
    view() {
      const counts = new Map<string, number>();
      if (up === true && cfg.mode === 'shard') for (const owner of ownersFor(memberIds()).values()) if (owner) counts.set(owner, (counts.get(owner) ?? 0) + 1);
      const listed: Member[] = up === true ? members : [{ id, location: cfg.location, lastSeen: now() }];
      return {
        mode: cfg.mode,
        self: { id, location: cfg.location, startedAt },
        store: up === true ? 'up' : 'down',
        members: listed.map((m) => ({
          id: m.id,
          location: m.location,
          lastSeen: m.lastSeen,
          ownedChecks: up === true && cfg.mode === 'shard' ? (counts.get(m.id) ?? 0) : names.length,
        })),
      };
    },
    gauges: () => ({ members: up === true ? members.length : 1, storeUp: up === true, ownedChecks: owned.size }),
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      await within(
        (async () => {
          await running;
          if (up !== true) return;
          await flush(pendingResults, (rows) => sql.writeResults(pool, service, rows));
          await flush(pendingObservations, (rows) => sql.writeObservations(pool, service, rows));
          await sql.leave(pool, service, id);
        })().catch(() => undefined),
        CLOSE_WAIT_MS,
      );
      await within(pool.end().catch(() => undefined), CLOSE_WAIT_MS);
    },
  };
}
