/** Shard assignment: stable, balanced, and a join or leave moves only its own share. */
import t from 'tap';
import { assign, ownerOf } from '../../src/cluster/assignment';

const checks = Array.from({ length: 300 }, (_, i) => `check-${i}`);
const three = ['m-a', 'm-b', 'm-c'];

const owners = (members: string[]) => assign(checks, members);
const count = (m: Map<string, string | null>, member: string) => [...m.values()].filter((o) => o === member).length;

t.test('every check has exactly one owner among the members, whatever order the list comes in', async (t) => {
  const a = owners(three);
  const b = owners([...three].reverse());
  for (const c of checks) {
    t.ok(three.includes(a.get(c)!), `${c} is owned by a member`);
    t.equal(b.get(c), a.get(c), `${c}: same owner from a reordered list`);
  }
});

t.test('the work is spread: each of three members owns between 20% and 47% of the checks', async (t) => {
  const a = owners(three);
  for (const m of three) {
    const share = count(a, m) / checks.length;
    t.ok(share > 0.2 && share < 0.47, `${m} owns ${(share * 100).toFixed(0)}%`);
  }
});

t.test('a member joining takes only checks for itself; nothing moves between the others', async (t) => {
  const before = owners(three);
  const after = owners([...three, 'm-d']);
  let moved = 0;
  for (const c of checks) {
    if (after.get(c) === before.get(c)) continue;
    moved++;
    t.equal(after.get(c), 'm-d', `${c} moved only to the newcomer`);
  }
  t.ok(moved > checks.length * 0.1 && moved < checks.length * 0.4, `about a quarter moved (${moved} of ${checks.length})`);
});

t.test('a member leaving hands over only its own checks', async (t) => {
  const before = owners(three);
  const after = owners(['m-a', 'm-c']);
  for (const c of checks) {
    if (before.get(c) === 'm-b') t.not(after.get(c), 'm-b', `${c} left with m-b`);
    else t.equal(after.get(c), before.get(c), `${c} stayed where it was`);
  }
});

t.test('no members: no owner; one member: it owns everything', async (t) => {
  t.equal(ownerOf('x', []), null);
  t.ok(checks.every((c) => ownerOf(c, ['solo']) === 'solo'));
});
