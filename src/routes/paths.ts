import type { Config } from '../types';

/** Every public path, derived from basePath in one place. */
export function pathsFor(config: Config) {
  const base = config.server.basePath; // normalised: "" or "/x" without trailing slash
  return {
    summary: base === '' ? '/' : base,
    detailed: `${base}/detailed`,
    check: `${base}/checks/:name`,
    refresh: `${base}/refresh`,
    readiness: `${base}/readiness`,
    liveness: `${base}/liveness`,
    cluster: `${base}/cluster`,
    metrics: '/metrics',
  };
}
