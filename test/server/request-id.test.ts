/** Generated request ids: UUID-shaped, never repeated in a process, different in every process. */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { generatedRequestId } from '../../src/http/request-id';

const SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

t.test('100,000 ids in one process: all UUID-shaped, none repeated', async (t) => {
  const ids = Array.from({ length: 100_000 }, () => generatedRequestId());
  t.ok(ids.every((id) => SHAPE.test(id)), 'every id is 8-4-4-4-12 hex');
  t.equal(new Set(ids).size, ids.length);
});

t.test('two processes (two replicas, or a restart) generate different ids', async (t) => {
  const dist = JSON.stringify(path.resolve(__dirname, '../../dist/http/request-id.js'));
  const one = () => spawnSync(process.execPath, ['-e', `process.stdout.write(require(${dist}).generatedRequestId())`], { encoding: 'utf8' }).stdout;
  const [a, b] = [one(), one()];
  t.match(a, SHAPE);
  t.not(a, b, 'the first id of each process differs');
});
