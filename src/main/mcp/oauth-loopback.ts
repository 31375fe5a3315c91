// The redirect an MCP server's authorization ends on: a listener on 127.0.0.1 (the port the client was
// registered with when it is free, else one the system picks) that takes the authorization code the
// person's browser brings back to `/callback`, checks its state, and answers the browser with a line to
// read. A refusal (`error=access_denied`) or a wrong state fails the wait with a message naming the server.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '../../shared/errors';

/** How long the person has to authorize in the browser. */
export const LOGIN_TIMEOUT_MS = 5 * 60_000;

export interface Loopback {
  /** `http://127.0.0.1:<port>/callback` */
  readonly url: string;
  /** The code the browser brings back with this state; fails on a refusal, a wrong state or the timeout. */
  code(state: string, timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

type Outcome = { code: string; state: string | null } | { error: string; state: string | null };

export async function startLoopback(server: string, port?: number): Promise<Loopback> {
  let settle: ((outcome: Outcome) => void) | undefined;
  const outcomes: Outcome[] = [];
  const listener = createServer((request, response) => {
    const outcome = callbackOutcome(request, response, server);
    if (outcome === undefined) return;
    if (settle !== undefined) settle(outcome);
    else outcomes.push(outcome);
  });
  const listen = (on: number) =>
    new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(on, '127.0.0.1', () => {
        listener.off('error', reject);
        resolve();
      });
    });
  await listen(port ?? 0).catch(() => listen(0));
  const { port: bound } = listener.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/callback`,
    code: (state, timeoutMs = LOGIN_TIMEOUT_MS) =>
      new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(notAuthorized(server, 'no answer came back in time')), timeoutMs);
        settle = (outcome) => {
          clearTimeout(timer);
          settle = undefined;
          if ('error' in outcome) reject(notAuthorized(server, outcome.error));
          else if (outcome.state !== state) reject(notAuthorized(server, 'the answer was for another sign-in'));
          else resolve(outcome.code);
        };
        const early = outcomes.shift();
        if (early !== undefined) settle(early);
      }),
    close: () =>
      new Promise<void>((resolve) => {
        listener.closeAllConnections();
        listener.close(() => resolve());
      }),
  };
}

function callbackOutcome(request: IncomingMessage, response: ServerResponse, server: string): Outcome | undefined {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  if (url.pathname !== '/callback') {
    response.writeHead(404).end();
    return undefined;
  }
  const state = url.searchParams.get('state');
  const code = url.searchParams.get('code');
  const error = url.searchParams.get('error');
  const said = (text: string) =>
    response.writeHead(code === null ? 400 : 200, { 'content-type': 'text/plain; charset=utf-8' }).end(text);
  if (code !== null) {
    said(`Looplab is signed in to ${server}. You can close this page.`);
    return { code, state };
  }
  const description = url.searchParams.get('error_description');
  const why = `${error ?? 'no code came back'}${description === null ? '' : `: ${description}`}`;
  said(`Looplab was not signed in to ${server} (${why}).`);
  return { error: why, state };
}

export function notAuthorized(server: string, why: string): AppError {
  return new AppError(
    'unavailable',
    `Looplab was not authorized to use the MCP server ${server} (${why}).`,
    `Sign in again (looplab mcp login ${server}, or start a run with it in the app) and allow access, or remove ${server} from mcpServers.`,
  );
}
