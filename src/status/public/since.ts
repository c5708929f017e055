/** When each check's served status began (Statuspage's component `updated_at`), from the store's change events. */
import type { ResultStore } from '../../store/store';

export function trackSince(store: ResultStore, startedAt: number, now: () => number = Date.now) {
  const since = new Map<string, number>();
  const off = store.onStatusChange((_prev, next) => since.set(next.name, now()));
  return { since: (check: string) => since.get(check) ?? startedAt, stop: off };
}
