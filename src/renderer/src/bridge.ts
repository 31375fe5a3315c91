// The renderer's only way to the main process: `window.api` in Electron (built by the preload), or the
// web bridge of `looplab serve` in a browser. Both implement the contract's LooplabBridge.
import { pushChannels, type PushChannel, type RequestChannel } from '../../shared/channels';
import type { ApiResult, LooplabBridge, PushTypes, RequestInput, RequestOutput } from '../../shared/contract';
import { formatError, type ErrorInfo } from '../../shared/errors';

declare global {
  interface Window {
    api?: LooplabBridge;
  }
}

export class ApiError extends Error {
  constructor(readonly info: ErrorInfo) {
    super(formatError(info));
    this.name = 'ApiError';
  }
}

const TOKEN_KEY = 'looplab.token';

/**
 * The web bridge's session token: taken from the URL fragment (alone, or after a route as `&token=`),
 * which keeps the route; then kept for this server's origin, so a second tab or a link copied from the
 * address bar opens without it.
 */
export function sessionToken(): string | null {
  const hash = window.location.hash;
  const match = /(?:^#|&)token=([0-9a-f]+)/.exec(hash);
  if (match?.[1] !== undefined) {
    const rest = hash.slice(0, match.index) + hash.slice(match.index + match[0].length);
    window.sessionStorage.setItem(TOKEN_KEY, match[1]);
    window.localStorage.setItem(TOKEN_KEY, match[1]);
    window.history.replaceState(
      null,
      '',
      window.location.pathname + window.location.search + (rest === '#' ? '' : rest),
    );
    return match[1];
  }
  return window.sessionStorage.getItem(TOKEN_KEY) ?? window.localStorage.getItem(TOKEN_KEY);
}

export function createWebBridge(origin: string, token: string): LooplabBridge {
  const listeners = new Map<PushChannel, Set<(payload: never) => void>>();
  let source: EventSource | null = null;

  function connect(): void {
    if (source !== null) return;
    source = new EventSource(`${origin}/api/events?token=${encodeURIComponent(token)}`);
    for (const channel of pushChannels) {
      source.addEventListener(channel, (message) => {
        const payload = JSON.parse((message as MessageEvent<string>).data) as never;
        for (const listener of listeners.get(channel) ?? []) listener(payload);
      });
    }
  }

  return {
    async call<C extends RequestChannel>(channel: C, input: RequestInput<C>): Promise<ApiResult<RequestOutput<C>>> {
      try {
        const response = await fetch(`${origin}/api/call/${channel}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(input),
        });
        return (await response.json()) as ApiResult<RequestOutput<C>>;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return {
          ok: false,
          error: {
            code: 'unavailable',
            message: `Looplab is not answering: ${message}`,
            hint: 'Is `looplab serve` still running?',
          },
        };
      }
    },
    subscribe<P extends PushChannel>(channel: P, listener: (payload: PushTypes[P]) => void): () => void {
      connect();
      let set = listeners.get(channel);
      if (set === undefined) listeners.set(channel, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
  };
}

let bridge: LooplabBridge | null | undefined;

/** The bridge for this window, or null in a browser that was opened without a session token. */
export function getBridge(): LooplabBridge | null {
  if (bridge !== undefined) return bridge;
  if (window.api !== undefined) return (bridge = window.api);
  const token = sessionToken();
  return (bridge = token === null ? null : createWebBridge(window.location.origin, token));
}

/** Calls the main process and returns the value, or throws an ApiError that says what to do. */
export async function request<C extends RequestChannel>(channel: C, input: RequestInput<C>): Promise<RequestOutput<C>> {
  const current = getBridge();
  if (current === null) {
    throw new ApiError({
      code: 'unavailable',
      message: 'This page has no session token.',
      hint: 'Open the link that `looplab serve` printed; it carries the token.',
    });
  }
  const result = await current.call(channel, input);
  if (!result.ok) throw new ApiError(result.error);
  return result.value;
}

/**
 * Where a browser downloads a run's file (`looplab serve` checks that it lies inside the run's
 * workspace), or null in the desktop app, which opens and reveals files instead.
 */
export function fileDownloadUrl(runId: string, path: string): string | null {
  if (window.api !== undefined) return null;
  const token = sessionToken() ?? '';
  const query = `path=${encodeURIComponent(path)}&token=${encodeURIComponent(token)}`;
  return `${window.location.origin}/api/files/${encodeURIComponent(runId)}?${query}`;
}
