// What went wrong when asking GitHub, said so the model (and the person) know what to do: no token for
// code search, a refused token, a spent rate limit (with when it resets), a missing repo or path, a
// refused search, or GitHub not reachable (then the cache answers).
import { AppError } from '../../shared/errors';
import { formatDateTime } from '../../shared/format';
import { failure, networkReason, unexpectedAnswer, type HubFailure, type HubSubject } from './hub-errors';

export const TOKEN_PLACES = 'set GITHUB_TOKEN, or save a GitHub token in Settings → Model providers → GitHub';

/** GitHub answered with an HTTP error: its status, the headers that say why, and its message. */
export class GitHubStatus extends Error {
  constructor(
    readonly status: number,
    readonly headers: Headers,
    readonly detail: string,
  ) {
    super(`HTTP ${status}: ${detail}`);
  }
}

function resetText(headers: Headers, now = Date.now()): string {
  const reset = Number(headers.get('x-ratelimit-reset'));
  const retryAfter = Number(headers.get('retry-after'));
  if (headers.get('retry-after') !== null && Number.isFinite(retryAfter))
    return `try again in ${Math.max(1, Math.ceil(retryAfter))} s`;
  if (!Number.isFinite(reset) || reset === 0) return 'try again later';
  const minutes = Math.max(1, Math.ceil((reset * 1000 - now) / 60_000));
  return `it resets at ${formatDateTime(reset * 1000)} (in ${minutes} min)`;
}

function statusFailure(error: GitHubStatus, subject: HubSubject, url: string, hasToken: boolean): HubFailure {
  const limited = error.headers.get('x-ratelimit-remaining') === '0' || error.headers.get('retry-after') !== null;
  if ((error.status === 403 || error.status === 429) && limited) {
    return failure(
      true,
      `GitHub's rate limit is spent: ${resetText(error.headers)}.`,
      hasToken
        ? 'Ask fewer, more precise questions; answers asked before come from the cache.'
        : `Requests with a token get a higher limit: ${TOKEN_PLACES}.`,
    );
  }
  if (error.status === 401) {
    return failure(false, `GitHub refused the token (${error.detail}).`, `Check the token: ${TOKEN_PLACES}.`);
  }
  if (error.status === 404) {
    return {
      error: new AppError(
        'not_found',
        `${subject.what.charAt(0).toUpperCase()}${subject.what.slice(1)} was not found on GitHub.`,
        `Check the repo (owner/name), the path and the ref${hasToken ? '' : '; a private repo needs a token with access to it'}.`,
      ),
      unreachable: false,
    };
  }
  if (error.status >= 500) {
    return failure(
      true,
      `GitHub at ${url} failed to answer (HTTP ${error.status}).`,
      'Try again later; answers asked before come from the cache.',
    );
  }
  return failure(false, `GitHub refused ${subject.what} (HTTP ${error.status}: ${error.detail}).`);
}

export function classifyGitHubError(error: unknown, subject: HubSubject, url: string, hasToken: boolean): HubFailure {
  if (error instanceof AppError) return { error, unreachable: false };
  if (error instanceof GitHubStatus) return statusFailure(error, subject, url, hasToken);
  const hint =
    'Check the network connection, or the GitHub API URL (GITHUB_API_URL, or Settings) for GitHub Enterprise; answers asked before come from the cache.';
  const reason = networkReason(error);
  if (reason !== undefined) return failure(true, `GitHub at ${url} cannot be reached (${reason}).`, hint);
  return unexpectedAnswer(`GitHub at ${url}`, subject, error, hint);
}
