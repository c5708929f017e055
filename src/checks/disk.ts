/**
 * Disk check: how full the filesystem holding `path` is, from one statfs(2)
 * call (no shell, no `df`). Used share as `df` counts it: used / (used +
 * available to unprivileged users), so the blocks reserved for root count as
 * unavailable, which is what an application running out of space sees.
 * Above `maxUsage` -> error (kind `assertion`: the filesystem answered, but is
 * too full); above `degradedUsage` -> degraded.
 */
import { statfs } from 'node:fs/promises';
import type { Checker, CheckDeps, DiskCheckConfig, Outcome } from '../types';
import { classifyError } from './errors';
import { abortable, Aborted, TIMED_OUT } from './abortable';

const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;

export function createDiskCheck(config: DiskCheckConfig, _deps: CheckDeps): Checker {
  return {
    name: config.name,
    type: 'disk',
    async check(signal): Promise<Outcome> {
      if (signal.aborted) return TIMED_OUT;
      let stats;
      try {
        // A hung NFS mount blocks statfs in the kernel: the scheduler's abort still ends the probe.
        stats = await abortable(statfs(config.path), signal, () => {});
      } catch (err) {
        if (err instanceof Aborted) return TIMED_OUT;
        const code = (err as { code?: unknown }).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return { status: 'error', errorKind: 'assertion', error: 'path does not exist' };
        if (code === 'EACCES' || code === 'EPERM') return { status: 'error', errorKind: 'auth', error: 'permission denied' };
        return { status: 'error', ...classifyError(err) };
      }
      const total = stats.blocks * stats.bsize;
      const used = (stats.blocks - stats.bfree) * stats.bsize;
      const available = stats.bavail * stats.bsize;
      const usedRatio = used + available > 0 ? used / (used + available) : 0;
      const details = {
        total_bytes: total,
        used_bytes: used,
        available_bytes: available,
        used_ratio: Math.round(usedRatio * 10_000) / 10_000,
        max_usage_ratio: config.maxUsage,
        degraded_usage_ratio: config.degradedUsage,
      };
      if (usedRatio > config.maxUsage) {
        return { status: 'error', errorKind: 'assertion', error: `disk ${percent(usedRatio)} full (limit ${percent(config.maxUsage)})`, details };
      }
      if (usedRatio > config.degradedUsage) {
        return { status: 'degraded', error: `disk ${percent(usedRatio)} full (over ${percent(config.degradedUsage)})`, details };
      }
      return { status: 'ok', details };
    },
    async close() {},
  };
}
