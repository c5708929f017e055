// Sums a heap snapshot's self sizes by node type and constructor (node bench/heap-summary.mjs FILE [top]).
// Large files need: node --max-old-space-size=4000 bench/heap-summary.mjs FILE
import { readFileSync } from 'node:fs';

const s = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const { node_fields: fields, node_types: [types] } = s.snapshot.meta;
const [type, name, size] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
const by = new Map();
let total = 0;
for (let i = 0; i < s.nodes.length; i += fields.length) {
  const t = types[s.nodes[i + type]];
  const key = t.includes('string') ? `(${t})` : t === 'code' ? '(code)' : `${t}:${s.strings[s.nodes[i + name]].slice(0, 60)}`;
  const e = by.get(key) ?? [0, 0];
  e[0] += s.nodes[i + size];
  e[1] += 1;
  total += s.nodes[i + size];
  by.set(key, e);
}
console.log(`total self size ${(total / 1e6).toFixed(1)} MB`);
for (const [k, [bytes, n]] of [...by].sort((a, b) => b[1][0] - a[1][0]).slice(0, Number(process.argv[3] ?? 30))) {
  console.log(`${(bytes / 1e6).toFixed(2).padStart(8)} MB ${String(n).padStart(8)}  ${k}`);
}
