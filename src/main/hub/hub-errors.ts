// What went wrong when asking the Hub, said so the model (and the person) know what to do: a missing
// repo, a gated or private one, a rate limit, or a Hub that cannot be reached (then the cache answers).
import { ZodError } from 'zod';
import { AppError } from '../../shared/errors';
import type { HubLibrary } from './hub-library';

/** What a failed request was about, for the message: `model org/name`, `the file x of org/name`… */
export interface HubSubject {
  what: string;
  /** The repo's page, where a gated repo's conditions are accepted. */
  page?: string;
}

export interface HubFailure {
  error: AppError;
  /** True when the Hub could not answer at all (network, timeout, 5xx, 429): a cached answer may stand in. */
  unreachable: boolean;
}

/** Filled by the fetch the client gives the library: the library's errors do not keep headers. */
export interface ResponseNotes {
  retryAfter?: string | undefined;
}

function retryAfterText(value: string | undefined): string {
  if (value === undefined) return 'later';
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return `in ${Math.max(1, Math.ceil(seconds))} s`;
  const date = Date.parse(value);
  return Number.isNaN(date) ? 'later' : `in ${Math.max(1, Math.ceil((date - Date.now()) / 1000))} s`;
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the connection was reset',
  UND_ERR_SOCKET: 'the connection was closed',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  ENETUNREACH: 'network unreachable',
  EHOSTUNREACH: 'host unreachable',
};

/**
 * Why a request got no answer at all (a network failure, a timeout), or undefined when the error is not
 * about reaching the server: fetch's own failures carry the socket's error as their cause.
 */
export function networkReason(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.name === 'TimeoutError') return 'the request timed out';
  const own = (error as NodeJS.ErrnoException).code;
  if (own !== undefined && NETWORK_REASONS[own] !== undefined) return NETWORK_REASONS[own];
  const cause = (error as Error & { cause?: unknown }).cause;
  const code = cause instanceof Error ? (cause as NodeJS.ErrnoException).code : undefined;
  if (code !== undefined) return NETWORK_REASONS[code] ?? code;
  if (error instanceof TypeError && error.message === 'fetch failed')
    return cause instanceof Error ? cause.message : error.message;
  return undefined;
}

/** A failure of this machine's files (a full disk, a refused permission), not of the answer. */
function isLocalFailure(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string';
}

/** What was wrong with an answer that came but was not what was asked for (its shape, its syntax…). */
export function answerProblem(error: unknown): string {
  if (error instanceof ZodError) {
    const issue = error.issues[0];
    return `${issue?.path.join('.') || 'the answer'}: ${issue?.message ?? 'not the expected shape'}`;
  }
  if (error instanceof SyntaxError) return `not JSON: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

type HubContext = { hubUrl: string; hasToken: boolean; notes: ResponseNotes; library: HubLibrary | undefined };

/** A server that answered with something else than its API's shapes; a cached answer may stand in. */
export function unexpectedAnswer(server: string, subject: HubSubject, error: unknown, hint: string): HubFailure {
  return failure(true, `${server} answered something unexpected for ${subject.what} (${answerProblem(error)}).`, hint);
}

export function classifyHubError(error: unknown, subject: HubSubject, context: HubContext): HubFailure {
  const library = context.library;
  if (error instanceof AppError) return { error, unreachable: false };
  if (library !== undefined && error instanceof library.HubApiError) {
    return statusFailure(error.statusCode, error.message, subject, context);
  }
  const reason = networkReason(error);
  if (reason === undefined && isLocalFailure(error)) {
    return failure(false, `Writing ${subject.what} failed on this machine (${error.message}).`);
  }
  if (reason !== undefined) {
    return failure(
      true,
      `The Hub at ${context.hubUrl} cannot be reached (${reason}).`,
      'Check the network connection, or HF_ENDPOINT if the Hub is a mirror; questions asked before are answered from the cache.',
    );
  }
  return unexpectedAnswer(
    `The Hub at ${context.hubUrl}`,
    subject,
    error,
    'If HF_ENDPOINT points at a mirror, check that it serves the Hub API; questions asked before are answered from the cache.',
  );
}

/** What an HTTP status from the Hub means for this subject, and what to do about it. */
function statusFailure(status: number, detail: string, subject: HubSubject, context: HubContext): HubFailure {
  const page = subject.page === undefined ? 'its page on the Hub' : subject.page;
  switch (status) {
    case 404:
      return {
        error: new AppError(
          'not_found',
          `${capitalize(subject.what)} was not found on the Hub.`,
          'Check the id (owner/name, and the path inside the repo); hub_search finds ids.',
        ),
        unreachable: false,
      };
    case 401:
      return failure(
        false,
        `${capitalize(subject.what)} needs a Hugging Face login: the repo is gated or private${context.hasToken ? ', and the token in HF_TOKEN was refused' : ''}.`,
        context.hasToken
          ? `Check that HF_TOKEN is a valid token (https://huggingface.co/settings/tokens); if the repo is gated, accept its conditions on ${page}.`
          : `Set HF_TOKEN to a read token from https://huggingface.co/settings/tokens, and if the repo is gated, accept its conditions on ${page}.`,
      );
    case 403:
      return failure(
        false,
        `Access to ${subject.what} is restricted: the account of HF_TOKEN has not been granted access.`,
        `Accept the repo's conditions on ${page} with that account (a gated repo may also wait for the authors' approval), then ask again.`,
      );
    case 429:
      return failure(
        true,
        `The Hub is rate limiting requests: try again ${retryAfterText(context.notes.retryAfter)}.`,
        'Wait before asking again, and ask fewer, more precise questions; requests with HF_TOKEN set get a higher limit.',
      );
    default:
      if (status >= 500) {
        return failure(
          true,
          `The Hub at ${context.hubUrl} failed to answer (HTTP ${status}).`,
          'Try again later; questions asked before are answered from the cache.',
        );
      }
      return failure(false, `The Hub refused the request for ${subject.what}: ${detail}`);
  }
}

/** A failure whose error is `unavailable`; `unreachable` says whether a cached answer may stand in. */
export function failure(unreachable: boolean, message: string, hint?: string): HubFailure {
  return { error: new AppError('unavailable', message, hint), unreachable };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
