/**
 * When each fresh result goes stale, as a min-heap of (deadline, check index):
 * a record pushes one entry (O(log n)), a read looks at the top (O(1)) and pops
 * only what is due. Entries are never searched for: one that no longer matches
 * its check's current deadline (the check was probed again) is dropped when it
 * reaches the top, and the heap is compacted once it holds more than a few
 * entries per check, so its size stays bounded whatever the record rate.
 */
export interface Deadlines {
  /** Check `slot` goes stale after epoch ms `at` (replaces its previous deadline). */
  set(slot: number, at: number): void;
  /** Check `slot` cannot go stale (never probed, or already stale). */
  clear(slot: number): void;
  /** Pops and returns every check whose current deadline is before `now`, earliest first. */
  due(now: number): number[];
  /** Entries held, stale ones included (for tests). */
  readonly size: number;
}

export function createDeadlines(slots: number): Deadlines {
  const current = new Float64Array(slots).fill(Infinity);
  let at: number[] = [];
  let slot: number[] = [];
  const limit = 4 * slots + 64;

  const swap = (a: number, b: number): void => {
    [at[a], at[b]] = [at[b]!, at[a]!];
    [slot[a], slot[b]] = [slot[b]!, slot[a]!];
  };
  const up = (k: number): void => {
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if (at[parent]! <= at[k]!) return;
      swap(k, parent);
      k = parent;
    }
  };
  const down = (k: number): void => {
    for (;;) {
      const l = 2 * k + 1;
      const r = l + 1;
      let m = k;
      if (l < at.length && at[l]! < at[m]!) m = l;
      if (r < at.length && at[r]! < at[m]!) m = r;
      if (m === k) return;
      swap(k, m);
      k = m;
    }
  };
  const popTop = (): void => {
    const lastAt = at.pop()!;
    const lastSlot = slot.pop()!;
    if (at.length === 0) return;
    at[0] = lastAt;
    slot[0] = lastSlot;
    down(0);
  };
  const compact = (): void => {
    const keepAt: number[] = [];
    const keepSlot: number[] = [];
    at.forEach((a, k) => {
      if (current[slot[k]!] === a) {
        keepAt.push(a);
        keepSlot.push(slot[k]!);
      }
    });
    at = keepAt;
    slot = keepSlot;
    for (let k = (at.length >> 1) - 1; k >= 0; k--) down(k);
  };

  return {
    set(s, when) {
      if (current[s] === when) return;
      current[s] = when;
      at.push(when);
      slot.push(s);
      up(at.length - 1);
      if (at.length > limit) compact();
    },
    clear(s) {
      current[s] = Infinity;
    },
    due(now) {
      const out: number[] = [];
      while (at.length > 0 && at[0]! < now) {
        const s = slot[0]!;
        const a = at[0]!;
        popTop();
        if (current[s] !== a) continue;
        current[s] = Infinity;
        out.push(s);
      }
      return out;
    },
    get size() {
      return at.length;
    },
  };
}
