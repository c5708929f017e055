/** health_process_memory_limit_bytes from cgroup v2 and v1 files laid out as the kernel does. */
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readMemoryLimit } from '../../src/observability/process-metrics';
import { createMetrics } from '../../src/observability/metrics';
import { snapshot } from '../support/states';

function cgroupRoot(t: { teardown(fn: () => void): void }, files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ha-cgroup-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

const cases: Array<{ name: string; files: Record<string, string>; self: string | null; limit: number | null }> = [
  { name: 'v2: memory.max at the namespace root (a container)', files: { 'memory.max': '536870912\n' }, self: '0::/\n', limit: 536870912 },
  { name: 'v2: "max" means no limit', files: { 'memory.max': 'max\n' }, self: '0::/\n', limit: null },
  {
    name: "v2: this process's own cgroup wins over the root",
    files: { 'memory.max': 'max\n', 'kubepods/pod1/memory.max': '268435456\n' },
    self: '0::/kubepods/pod1\n',
    limit: 268435456,
  },
  { name: 'v1: memory.limit_in_bytes', files: { 'memory/memory.limit_in_bytes': '1073741824\n' }, self: '4:memory:/\n', limit: 1073741824 },
  {
    name: "v1: the process's own memory cgroup",
    files: { 'memory/memory.limit_in_bytes': '9223372036854771712\n', 'memory/docker/abc/memory.limit_in_bytes': '134217728\n' },
    self: '4:memory:/docker/abc\n0::/\n',
    limit: 134217728,
  },
  { name: "v1: the kernel's 2^63 page-rounded value means no limit", files: { 'memory/memory.limit_in_bytes': '9223372036854771712\n' }, self: null, limit: null },
  { name: 'no cgroup files at all', files: {}, self: null, limit: null },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const root = cgroupRoot(t, c.files);
    t.equal(readMemoryLimit(root, c.self), c.limit);
  });
}

t.test('the gauge is exported with a limit and absent without one', async (t) => {
  const limited = createMetrics({ snapshot: () => snapshot('ok', []), defaultMetrics: false, cgroupRoot: cgroupRoot(t, { 'memory.max': '536870912\n' }) });
  t.match(await limited.render(), /^health_process_memory_limit_bytes 536870912$/m);
  const unlimited = createMetrics({ snapshot: () => snapshot('ok', []), defaultMetrics: false, cgroupRoot: cgroupRoot(t, { 'memory.max': 'max\n' }) });
  t.notMatch(await unlimited.render(), /health_process_memory_limit_bytes/, 'no HELP, no TYPE, no sample');
});
