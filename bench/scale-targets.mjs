// Targets for the scale benchmarks, in their own process so their CPU is not
// counted as the service's: `count` TCP listeners that accept and close, and
// `count` HTTP servers answering 200 "ok". Prints {"tcp":[ports],"http":[ports]}.
import http from 'node:http';
import net from 'node:net';

const count = Number(process.argv[2] ?? 1);
const listen = (server) => new Promise((r) => server.listen(0, '127.0.0.1', () => r(server.address().port)));
const tcp = [];
const web = [];
for (let i = 0; i < count; i++) {
  tcp.push(await listen(net.createServer((s) => s.end()).on('error', () => {})));
  const server = http.createServer((_req, res) => res.end('ok'));
  server.keepAliveTimeout = 60_000;
  web.push(await listen(server));
}
process.stdout.write(`${JSON.stringify({ tcp, http: web })}\n`);
