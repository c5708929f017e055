/** The `cluster` section (CONTRACT §3.1, §5.6). */
import type { ClusterConfig } from '../types';
import { FOUND, type Problems } from './problems';

/** null when absent (not clustered); undefined when it has problems (each added to `problems`). */
export function parseCluster(raw: unknown, problems: Problems): ClusterConfig | null | undefined {
  if (raw === undefined || raw === null) return null;
  problems.add(['cluster'], `${FOUND} is not supported yet`, raw);
  return undefined;
}
