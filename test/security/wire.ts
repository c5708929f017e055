/**
 * Raw HTTP/1.1 over a TCP socket, for requests no well-behaved client would
 * send (bad request lines, unescaped unicode, huge headers, header injection).
 * One request per connection (`Connection: close`), response parsed by hand.
 */
import net from 'node:net';

export interface WireResponse {
  readonly status: number;
  /** Header names lower-cased; repeated headers joined with ", ". */
  readonly headers: Record<string, string>;
  readonly body: string;
  /** Everything the server wrote, as received. */
  readonly raw: string;
}

/** Decodes a chunked body; returns null if it is not well-formed. */
function unchunk(data: Buffer): Buffer | null {
  const parts: Buffer[] = [];
  let i = 0;
  for (;;) {
    const eol = data.indexOf('\r\n', i);
    if (eol < 0) return null;
    const size = parseInt(data.subarray(i, eol).toString('latin1').split(';')[0]!, 16);
    if (!Number.isFinite(size)) return null;
    if (size === 0) return Buffer.concat(parts);
    parts.push(data.subarray(eol + 2, eol + 2 + size));
    i = eol + 2 + size + 2;
  }
}

/** Parses one HTTP/1.1 response from bytes; throws if they are not one. */
export function parseResponse(data: Buffer): WireResponse {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`no complete response head in ${JSON.stringify(data.toString('latin1').slice(0, 200))}`);
  const [statusLine, ...lines] = data.subarray(0, end).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '');
  if (!m) throw new Error(`bad status line ${JSON.stringify(statusLine)}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  let body = data.subarray(end + 4);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const decoded = unchunk(body);
    if (!decoded) throw new Error('malformed chunked body');
    body = decoded;
  } else if (headers['content-length'] !== undefined) {
    body = body.subarray(0, Number(headers['content-length']));
  }
  return { status: Number(m[1]), headers, body: body.toString('utf8'), raw: data.toString('latin1') };
}

/**
 * Writes `request` (bytes exactly as given) to 127.0.0.1:port and resolves
 * with the parsed response once the server closes the connection. Rejects
 * after `timeoutMs` (a hang is a failure, not a wait).
 */
export function rawRequest(port: number, request: string | Buffer, timeoutMs = 10_000): Promise<WireResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1');
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no response within ${timeoutMs} ms to ${JSON.stringify(String(request).slice(0, 120))}`));
    }, timeoutMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    // A server may reset after answering a request it refused to read in full.
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      try {
        resolve(parseResponse(Buffer.concat(chunks)));
      } catch (err) {
        reject(err);
      }
    });
    socket.write(request);
  });
}

/** Builds a request's bytes: `METHOD target HTTP/1.1`, Host, Connection: close, the headers, and the body. */
export function buildRequest(
  method: string,
  target: string,
  headers: ReadonlyArray<readonly [string, string]> = [],
  body: string | Buffer = '',
): Buffer {
  const len = Buffer.byteLength(body);
  const head = [
    `${method} ${target} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Connection: close',
    ...headers.map(([k, v]) => `${k}: ${v}`),
    ...(len > 0 ? [`Content-Length: ${len}`] : []),
  ].join('\r\n');
  return Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'utf8'), Buffer.from(body)]);
}

/** The contract's one error shape: exactly `{error, message, status_code}`, no stack. */
export function isErrorShape(body: string, status: number): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return `not JSON: ${JSON.stringify(body.slice(0, 200))}`;
  }
  if (parsed === null || typeof parsed !== 'object') return 'not an object';
  const o = parsed as Record<string, unknown>;
  const keys = Object.keys(o).sort().join(',');
  if (keys !== 'error,message,status_code') return `keys are ${keys}`;
  if (typeof o.error !== 'string' || typeof o.message !== 'string') return 'error/message not strings';
  if (o.status_code !== status) return `status_code ${String(o.status_code)} != ${status}`;
  if (/\n\s+at /.test(body) || /\bat .+:\d+:\d+/.test(body)) return 'has a stack trace';
  return null;
}
