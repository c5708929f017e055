/**
 * The serialised bodies of the health routes, kept across snapshots. A
 * snapshot's bodies are built once (so once per store rebuild, at most a few
 * times a second), and inside them each check's JSON is rebuilt only when
 * that check's state object changed: the store replaces only the states that
 * moved, so a rebuild serialises the changed checks and copies the rest.
 */
import type { CheckState, ServiceInfo, Snapshot } from '../types';
import { checkEntry, healthJsonChecks, healthJsonHead, prepareDetailedWith, type Prepared } from './views';

/** Checks per block: a rebuild re-encodes only the blocks holding a changed check. */
const BLOCK = 64;

/**
 * Serialises a list of checks as the members of one JSON object, in blocks
 * of BLOCK checks encoded once (a block after the first starts with its
 * comma): each check's text is reused while its state is the same object, and
 * each block's bytes while none of its checks changed. A rebuild at 10,000
 * checks then encodes the few blocks that moved, not a 3 MB string (which,
 * built a few times a second, went straight to the old generation and held
 * hundreds of MB of garbage between collections).
 */
export function createMembers(member: (c: CheckState) => string, reusable: (c: CheckState) => boolean = () => true) {
  let states: readonly CheckState[] = [];
  const texts: string[] = [];
  let blocks: Buffer[] = [];
  let serialised = 0;
  return {
    /** The members of `{...}` for these checks, as encoded blocks (without the braces). */
    blocks(checks: readonly CheckState[]): readonly Buffer[] {
      const sameList = checks.length === states.length;
      const next: Buffer[] = [];
      for (let b = 0; b * BLOCK < checks.length; b++) {
        let changed = !sameList || blocks[b] === undefined;
        const end = Math.min(checks.length, (b + 1) * BLOCK);
        for (let i = b * BLOCK; i < end; i++) {
          const c = checks[i]!;
          if (sameList && c === states[i] && reusable(c)) continue;
          texts[i] = member(c);
          serialised += 1;
          changed = true;
        }
        next.push(changed ? Buffer.from(`${b > 0 ? ',' : ''}${texts.slice(b * BLOCK, end).join(',')}`) : blocks[b]!);
      }
      texts.length = checks.length;
      states = checks;
      // A new array each time: bodies already handed out keep the blocks they were built with.
      blocks = next;
      return blocks;
    },
    /** Check entries serialised so far (tests: a rebuild serialises only what changed). */
    get serialised() {
      return serialised;
    },
  };
}

export interface SnapshotBodies {
  readonly snap: Snapshot;
  readonly detailed: Prepared;
  /** health+json, built on first use: most deployments never ask for it. */
  healthJson(): Buffer;
}

export interface BodyOptions {
  /** Whether a check is in a maintenance window now (its detailed entry then says so). */
  readonly inMaintenance?: (check: string) => boolean;
  /** Changes (by identity) whenever the set of active windows does: every cached entry is then rebuilt. */
  readonly maintenanceKey?: () => unknown;
}

export function createBodies(info: ServiceInfo, opts: BodyOptions = {}) {
  const entry = (c: CheckState) => checkEntry(c, opts.inMaintenance?.(c.name));
  const fresh = () => ({
    detailedChecks: createMembers((c) => `${JSON.stringify(c.name)}:${JSON.stringify(entry(c))}`),
    // A never-probed check's `time` is the time of serving, so its text is not kept.
    healthChecks: createMembers(
      (c) => JSON.stringify(healthJsonChecks(c, new Date())).slice(1, -1),
      (c) => c.checkedAt !== null,
    ),
    single: new WeakMap<CheckState, string>(),
  });
  let parts = fresh();
  let key = opts.maintenanceKey?.();
  let cached: SnapshotBodies | null = null;
  /** A window opened or closed: entries serialised before say the wrong thing about maintenance. */
  const sync = (): void => {
    const now = opts.maintenanceKey?.();
    if (now === key) return;
    key = now;
    parts = fresh();
    cached = null;
  };

  return {
    /** The bodies for `snap`, built once per snapshot (and per change of the active windows). */
    of(snap: Snapshot): SnapshotBodies {
      sync();
      if (cached?.snap === snap) return cached;
      const { detailedChecks, healthChecks } = parts;
      let health: Buffer | null = null;
      const made: SnapshotBodies = {
        snap,
        detailed: prepareDetailedWith(snap, info, detailedChecks.blocks(snap.checks)),
        healthJson() {
          if (health) return health;
          const head = JSON.stringify(healthJsonHead(snap, info)).slice(0, -1);
          return (health = Buffer.concat([Buffer.from(`${head},"checks":{`), ...healthChecks.blocks(snap.checks), Buffer.from('}}')]));
        },
      };
      cached = made;
      return made;
    },
    /** One check's body (`checks/:name`), serialised once per state of that check. */
    check(state: CheckState): string {
      sync();
      const { single } = parts;
      let text = single.get(state);
      if (text === undefined) single.set(state, (text = JSON.stringify({ name: state.name, ...entry(state) })));
      return text;
    },
    /** Check entries serialised for `detailed` so far. */
    get serialised() {
      return parts.detailedChecks.serialised;
    },
  };
}
