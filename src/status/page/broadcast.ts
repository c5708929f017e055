/**
 * Server-Sent Events to every open status page: one store listener and one
 * serialisation per change, written to every stream (a thousand viewers
 * cost one JSON.stringify, not a thousand), one heartbeat timer for all.
 * A client that stops reading is dropped rather than buffered for without
 * bound.
 */
import { PassThrough } from 'node:stream';

/** Unread bytes a stream may hold before its client is dropped. */
const MAX_BUFFERED_BYTES = 256 * 1024;

export const sseEvent = (name: string, data: unknown): string => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

export interface Broadcaster {
  /** Opens a stream that starts with `first`; null when `max` streams are open. */
  open(first: string): PassThrough | null;
  send(text: string): void;
  readonly size: number;
  /** Ends every stream (app.close()). */
  endAll(): void;
}

export function createBroadcaster(opts: { max: number; heartbeatMs: number }): Broadcaster {
  const streams = new Set<PassThrough>();
  const write = (s: PassThrough, text: string) => {
    if (s.writableLength > MAX_BUFFERED_BYTES) s.end();
    else if (!s.writableEnded) s.write(text);
  };
  let heartbeat: NodeJS.Timeout | null = null;
  const ping = () => {
    // A named event, not a comment: the page watches for it to notice a connection that died silently.
    const text = sseEvent('ping', { at: new Date().toISOString() });
    for (const s of streams) write(s, text);
  };
  return {
    open(first) {
      if (streams.size >= opts.max) return null;
      const stream = new PassThrough();
      streams.add(stream);
      heartbeat ??= setInterval(ping, opts.heartbeatMs).unref();
      const cleanup = () => {
        streams.delete(stream);
        stream.end();
        if (streams.size === 0 && heartbeat) {
          clearInterval(heartbeat);
          heartbeat = null;
        }
      };
      stream.once('close', cleanup);
      stream.once('finish', cleanup);
      stream.write(first);
      return stream;
    },
    send(text) {
      for (const s of streams) write(s, text);
    },
    get size() {
      return streams.size;
    },
    endAll() {
      for (const s of streams) s.end();
    },
  };
}
