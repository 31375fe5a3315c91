// The HTTP plumbing the fake model servers share: a real server on 127.0.0.1 (port 0) that records each
// request, and a writer that streams frames with delays, cuts the socket or injects an error frame, so
// providers are tested through their real client libraries over real sockets.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapturedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or undefined for a request without one. */
  body: unknown;
  /** The body's bytes (a blob upload is not JSON). */
  raw: Buffer;
  /** Set when the connection closed before the response ended (the client left, or the script cut it). */
  closedEarly: boolean;
}

export interface FakeServer {
  url: string;
  /** Every request the server received, in order. */
  requests: CapturedRequest[];
  close(): Promise<void>;
}

export type Route = (request: CapturedRequest, response: ServerResponse) => Promise<void> | void;

export async function startHttpFake(route: Route): Promise<FakeServer> {
  const requests: CapturedRequest[] = [];
  const server = createServer((incoming, response) => {
    const parts: Buffer[] = [];
    incoming.on('data', (part: Buffer) => parts.push(part));
    incoming.on('end', () => {
      const raw = Buffer.concat(parts);
      const binary =
        incoming.headers['content-type'] === 'application/octet-stream' ||
        incoming.headers['content-type'] === 'application/x-ndjson' ||
        (incoming.url ?? '').startsWith('/api/blobs/');
      const json = !binary && raw.length > 0;
      const request: CapturedRequest = {
        method: incoming.method ?? 'GET',
        path: incoming.url ?? '/',
        headers: incoming.headers,
        body: json ? JSON.parse(raw.toString('utf8')) : undefined,
        raw,
        closedEarly: false,
      };
      requests.push(request);
      response.on('close', () => {
        request.closedEarly = !response.writableFinished;
      });
      Promise.resolve(route(request, response)).catch((error: unknown) => {
        if (!response.headersSent) sendJson(response, 500, { error: `fake server failed: ${String(error)}` });
        else response.destroy();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(JSON.stringify(body));
}

export interface FrameOptions {
  /** Wait this long before each frame. */
  delayMs?: number | undefined;
  /** Destroy the socket after writing this many frames (a server crash or a dropped connection). */
  cutAfter?: number | undefined;
  /** Write this frame after `after` frames and end the response there. */
  errorFrame?: { after: number; frame: string } | undefined;
  /** Stop after this many frames and keep the connection open until the client leaves. */
  stallAfter?: number | undefined;
  /** After this many frames, write this frame again and again until the client leaves. */
  repeat?: { after: number; frame: string } | undefined;
}

/** Streams frames on an already started response; stops quietly when the client goes away. */
export async function writeFrames(response: ServerResponse, frames: readonly string[], options: FrameOptions = {}) {
  let gone = false;
  response.on('close', () => {
    gone = true;
  });
  for (const [index, frame] of frames.entries()) {
    if (options.cutAfter === index) {
      response.socket?.destroy();
      return;
    }
    if (options.errorFrame?.after === index) {
      response.end(options.errorFrame.frame);
      return;
    }
    if (options.stallAfter === index) {
      response.flushHeaders();
      return;
    }
    if (options.repeat?.after === index) {
      // A write to a socket the client closed calls back at once, before 'close' is emitted: check the
      // response itself, and give the event loop a turn per frame so the hang-up is seen.
      while (!gone && !response.destroyed) {
        await new Promise<void>((resolve) => response.write(options.repeat!.frame, () => resolve()));
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      return;
    }
    if (options.delayMs) await sleepUnless(options.delayMs, () => gone, response);
    if (gone) return;
    // Wait until the frame is handed to the socket, so a cut that follows comes after it.
    await new Promise<void>((resolve) => response.write(frame, () => resolve()));
  }
  response.end();
}

function sleepUnless(ms: number, gone: () => boolean, response: ServerResponse): Promise<void> {
  if (gone()) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    response.once('close', done);
    function done() {
      clearTimeout(timer);
      response.off('close', done);
      resolve();
    }
  });
}
