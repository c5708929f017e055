/**
 * `health_process_memory_limit_bytes`: the container's memory limit, so an
 * alert can compare process_resident_memory_bytes against what the kernel
 * will OOM-kill at, not against the node's RAM. Read from cgroup v2
 * (`memory.max`) or v1 (`memory/memory.limit_in_bytes`), for this process's
 * own cgroup (/proc/self/cgroup) and then the mount's root (inside a container
 * with its own cgroup namespace, the root is the container). No limit ("max",
 * or v1's page-rounded 2^63) or no cgroup files: the metric is absent, not 0.
 * Read once at start: limits change only with a restart of the pod.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Gauge, type Registry } from 'prom-client';

/** v1 writes "unlimited" as the largest page-aligned signed 64-bit value; anything this large means none. */
const V1_UNLIMITED = 2 ** 60;

function read(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}

/** This process's cgroup paths: the v2 one ("0::/x") and v1's memory controller ("N:memory:/x"). */
function ownCgroups(procSelfCgroup: string | null): { v2: string | null; v1: string | null } {
  let v2: string | null = null;
  let v1: string | null = null;
  for (const line of (procSelfCgroup ?? '').split('\n')) {
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    const controllers = line.slice(first + 1, second);
    const where = line.slice(second + 1);
    if (controllers === '') v2 = where;
    else if (controllers.split(',').includes('memory')) v1 = where;
  }
  return { v2, v1 };
}

/**
 * The memory limit in bytes, or null when there is none. `root` is the cgroup
 * mount (tests pass a directory of their own) and `procSelfCgroup` the text of
 * /proc/self/cgroup.
 */
export function readMemoryLimit(root = '/sys/fs/cgroup', procSelfCgroup: string | null = read('/proc/self/cgroup')): number | null {
  const own = ownCgroups(procSelfCgroup);
  const v2 = [own.v2 ? path.join(root, own.v2, 'memory.max') : null, path.join(root, 'memory.max')];
  for (const file of v2) {
    const text = file ? read(file) : null;
    if (text === null) continue;
    const n = Number(text);
    return text !== 'max' && Number.isFinite(n) && n > 0 ? n : null;
  }
  const v1 = [own.v1 ? path.join(root, 'memory', own.v1, 'memory.limit_in_bytes') : null, path.join(root, 'memory', 'memory.limit_in_bytes')];
  for (const file of v1) {
    const text = file ? read(file) : null;
    if (text === null) continue;
    const n = Number(text);
    return Number.isFinite(n) && n > 0 && n < V1_UNLIMITED ? n : null;
  }
  return null;
}

/** Registers the gauge only when there is a limit to report. */
export function registerProcessMetrics(registers: Registry[], opts: { cgroupRoot?: string; procSelfCgroup?: string | null } = {}): void {
  const limit = readMemoryLimit(opts.cgroupRoot, opts.procSelfCgroup === undefined ? read('/proc/self/cgroup') : opts.procSelfCgroup);
  if (limit === null) return;
  const gauge = new Gauge({
    name: 'health_process_memory_limit_bytes',
    help: "The container's memory limit from its cgroup, in bytes (absent when unlimited).",
    registers,
  });
  gauge.set(limit);
}
