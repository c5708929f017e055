/**
 * Where pings live: in this process's memory, or in PostgreSQL so that every
 * replica sees a ping any replica received and the last ping survives a
 * restart (pg-store.ts). Readers (the heartbeat checkers) never wait: they
 * read the copy in memory.
 */
import { applyPing, type Ping, type PingState } from './pings';

/** What a heartbeat checker reads. */
export interface PingReader {
  /** undefined: not known yet (shared storage not read back); null: never pinged. */
  get(name: string): PingState | null | undefined;
  /** Epoch ms from which a never-pinged heartbeat is counted: when this store was created. */
  readonly since: number;
  /** Whether a run's note may appear in details (only when the detail routes need a token). */
  readonly showNotes: boolean;
}

/** What the ping routes write to. */
export interface PingStore extends PingReader {
  /** Records a ping; rejects when shared storage cannot take it (the caller answers 503). */
  ping(name: string, ping: Omit<Ping, 'at'>): Promise<void>;
  /** Begins reading shared storage back (no-op in memory). */
  start(): void;
  close(): Promise<void>;
}

export interface PingStoreOptions {
  readonly checks: readonly string[];
  readonly showNotes: boolean;
  readonly now?: () => number;
}

export function createMemoryPingStore(opts: PingStoreOptions): PingStore {
  const now = opts.now ?? Date.now;
  const states = new Map<string, PingState | null>(opts.checks.map((c) => [c, null]));
  return {
    since: now(),
    showNotes: opts.showNotes,
    get: (name) => states.get(name) ?? null,
    async ping(name, ping) {
      states.set(name, applyPing(states.get(name) ?? null, { ...ping, at: now() }));
    },
    start() {},
    async close() {},
  };
}

/** A reader that knows no ping (the `check` command without shared storage). */
export const NO_PINGS: PingReader = { get: () => null, since: Date.now(), showNotes: false };
