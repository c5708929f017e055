/** The `notifications` section (CONTRACT §3.1, §5.7). */
import type { NotifierConfig } from '../types';
import { FOUND, type Problems } from './problems';

/** [] when absent; undefined when it has problems. `checks` is every valid check name. */
export function parseNotifications(raw: unknown, checks: ReadonlySet<string>, problems: Problems): NotifierConfig[] | undefined {
  void checks;
  if (raw === undefined || raw === null) return [];
  problems.add(['notifications'], `${FOUND} is not supported yet`, raw);
  return undefined;
}
