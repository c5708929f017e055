/** The `maintenance` section: recurring windows (CONTRACT §3.1, §5.8). */
import type { MaintenanceWindowConfig } from '../types';
import { FOUND, type Problems } from './problems';

/** [] when absent; undefined when it has problems. `checks` is every valid check name. */
export function parseMaintenance(raw: unknown, checks: ReadonlySet<string>, problems: Problems): MaintenanceWindowConfig[] | undefined {
  void checks;
  if (raw === undefined || raw === null) return [];
  problems.add(['maintenance'], `${FOUND} is not supported yet`, raw);
  return undefined;
}
