/** The disk checker against this machine's own filesystems. */
import t from 'tap';
import os from 'node:os';
import path from 'node:path';
import { createDiskCheck } from '../../src/checks/disk';
import type { DiskCheckConfig } from '../../src/types';
import { common, recordingLogger } from './checker-harness';

const config = (over: Partial<DiskCheckConfig>): DiskCheckConfig => ({
  ...common('disk'),
  path: os.tmpdir(),
  maxUsage: 1,
  degradedUsage: 1,
  ...over,
});
const probe = (c: DiskCheckConfig) => createDiskCheck(c, { logger: recordingLogger() }).check(new AbortController().signal);

t.test('a filesystem under both limits is ok, with sizes and the used share in details', async (t) => {
  const out = await probe(config({}));
  t.equal(out.status, 'ok');
  const d = out.details as Record<string, number>;
  t.ok(d.total_bytes! > 0 && d.available_bytes! >= 0 && d.used_bytes! >= 0);
  t.ok(d.used_ratio! >= 0 && d.used_ratio! <= 1);
});

t.test('over degradedUsage is degraded, over maxUsage is an error of kind assertion', async (t) => {
  // Anything with one block in use is over 0.0001%.
  const degraded = await probe(config({ degradedUsage: 0.000001 }));
  t.equal(degraded.status, 'degraded');
  t.match(degraded.error, /^disk [\d.]+% full \(over 0%\)$/);
  const full = await probe(config({ maxUsage: 0.000001, degradedUsage: 0.000001 }));
  t.equal(full.status, 'error');
  t.equal(full.errorKind, 'assertion');
  t.match(full.error, /^disk [\d.]+% full \(limit 0%\)$/);
  t.ok((full.details as Record<string, number>).used_ratio! > 0, 'details still say how full');
});

t.test('a path that does not exist is an error that names no path', async (t) => {
  const out = await probe(config({ path: path.join(os.tmpdir(), 'no', 'such', 'dir') }));
  t.equal(out.status, 'error');
  t.equal(out.errorKind, 'assertion');
  t.equal(out.error, 'path does not exist');
});
