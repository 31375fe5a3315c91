// Turning what an SDK throws into a ProviderError the loop can act on (retry, wait, compact, stop),
// with a message naming the server and a hint saying what to do. The three providers differ in where
// they find the HTTP status and body; the decisions are made once, here.
import { ProviderError } from '../core/model';

/** Who failed, for messages and hints: `Ollama at http://127.0.0.1:11434` and how to fix each case. */
export interface FailureTarget {
  server: string;
  model: string;
  hints: { unavailable: string; auth: string; modelMissing: string };
}

const connectionCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const contextWording =
  /context[ _](length|window|size)|maximum context|prompt is too long|exceeds? (the )?(available )?context|too many tokens/i;

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function isContextOverflow(text: string): boolean {
  return contextWording.test(text);
}

/** True when the error (or any cause inside it) says nothing listens at that address. */
export function isConnectionFailure(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && connectionCodes.has(code)) return true;
    pending.push((current as { cause?: unknown }).cause);
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors)) pending.push(...errors);
  }
  return false;
}

export function isTimeout(error: unknown): boolean {
  const text = messageOf(error);
  return /timed? ?out|timeout/i.test(text) || (error instanceof Error && error.name === 'TimeoutError');
}

/** `retry-after-ms` (milliseconds) or `retry-after` (seconds or an HTTP date), as the servers send them. */
export function retryAfterMs(headers: Headers | undefined | null): number | undefined {
  const milliseconds = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** What a stream throws when its signal aborts: the signal's own reason, so callers see their abort. */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return new DOMException('The model request was aborted.', 'AbortError');
}

/** The innermost message: `connect ECONNREFUSED 127.0.0.1:11434` rather than `fetch failed`. */
function rootMessage(error: unknown): string {
  let current = error;
  let message = messageOf(error);
  for (let depth = 0; depth < 8 && current instanceof Error; depth += 1) {
    const inner: unknown = current.cause ?? (current instanceof AggregateError ? current.errors[0] : undefined);
    if (!(inner instanceof Error)) break;
    if (inner.message) message = inner.message;
    current = inner;
  }
  return message;
}

export function unavailable(target: FailureTarget, cause: unknown): ProviderError {
  return new ProviderError('unavailable', `${target.server} is not answering (${rootMessage(cause)})`, {
    hint: target.hints.unavailable,
    cause,
  });
}

/**
 * fetch refuses some ports outright (1, 6000, 6667…: the "bad ports" of the Fetch standard, kept for other
 * protocols), before any connection: nothing is wrong with the server, only with the port it is on.
 */
function blockedPort(target: FailureTarget, cause: unknown): ProviderError {
  return new ProviderError(
    'unavailable',
    `${target.server} is on a port that fetch refuses to connect to (one of the ports the Fetch standard reserves for other protocols)`,
    { hint: 'Serve the model on another port (Ollama’s default is 11434) and point the address at it.', cause },
  );
}

export function modelMissing(target: FailureTarget, detail: string, cause?: unknown): ProviderError {
  return new ProviderError('model_missing', `${target.server} has no model '${target.model}' (${detail})`, {
    hint: target.hints.modelMissing,
    cause,
  });
}

/** Classifies an HTTP error response by its status and the server's own words. */
export function errorFromStatus(
  target: FailureTarget,
  status: number,
  detail: string,
  options: { retryAfterMs?: number | undefined; cause?: unknown } = {},
): ProviderError {
  const { cause } = options;
  const said = `${target.server} answered ${status}: ${detail}`;
  if (status === 401 || status === 403) return new ProviderError('auth', said, { hint: target.hints.auth, cause });
  if (status === 404) return modelMissing(target, detail, cause);
  if (status === 429) {
    const wait = options.retryAfterMs;
    return new ProviderError('rate_limited', said, {
      hint: wait === undefined ? 'wait and retry' : `wait ${Math.ceil(wait / 1000)} s and retry`,
      retryAfterMs: wait,
      cause,
    });
  }
  if (status === 413 || isContextOverflow(detail)) {
    return new ProviderError('context_overflow', said, {
      hint: 'the conversation no longer fits the context window: compact it or use a larger context',
      cause,
    });
  }
  if (status === 408 || status >= 500) return new ProviderError('transient', said, { cause });
  return new ProviderError('bad_request', said, { cause });
}

/** Classifies a failure that has no HTTP status: no connection, a timeout, a cut or garbled stream. */
export function errorFromThrown(target: FailureTarget, error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (isConnectionFailure(error)) return unavailable(target, error);
  if (rootMessage(error) === 'bad port') return blockedPort(target, error);
  const text = messageOf(error);
  if (isContextOverflow(text)) return errorFromStatus(target, 400, text, { cause: error });
  const what = isTimeout(error) ? 'timed out' : 'failed mid-stream';
  return new ProviderError('transient', `${target.server} ${what}: ${text}`, { cause: error });
}
