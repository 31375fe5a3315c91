// GET /api/events: every push of the main process, as server-sent events to each open page, with a
// heartbeat so that proxies and browsers keep an idle stream open.
import type { ServerResponse } from 'node:http';
import type { PushSource } from '../api/push';
import { securityHeaders } from './replies';

const HEARTBEAT_MS = 15_000;

export interface PushStreams {
  open(response: ServerResponse): void;
  /** Ends every open stream and stops listening to the pushes. */
  close(): void;
}

export function pushStreams(pushes: PushSource): PushStreams {
  const streams = new Set<ServerResponse>();
  const unsubscribe = pushes.subscribe((channel, payload) => {
    const frame = `event: ${channel}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const stream of streams) stream.write(frame);
  });
  const heartbeat = setInterval(() => {
    for (const stream of streams) stream.write(': heartbeat\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();
  return {
    open(response) {
      response.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        ...securityHeaders,
      });
      response.write(': connected\n\n');
      streams.add(response);
      response.on('close', () => streams.delete(response));
    },
    close() {
      unsubscribe();
      clearInterval(heartbeat);
      for (const stream of streams) stream.end();
    },
  };
}
