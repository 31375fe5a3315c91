// Why a publish did not happen, said so a person knows what to do: no token (and where to set one), a
// token the Hub refuses, a namespace the account may not create in or a repo it may not write, a name
// the Hub does not accept, or a Hub that failed or could not be reached (which a retry may get past).
import { AppError } from '../../shared/errors';
import type { HubLibrary } from './hub-library';

export const TOKEN_HINT =
  'Set HF_TOKEN to a token with write access (https://huggingface.co/settings/tokens), or save one in Settings → Hugging Face.';

export function noTokenError(): AppError {
  return new AppError(
    'invalid_input',
    'Publishing to the Hub needs a Hugging Face token with write access.',
    TOKEN_HINT,
  );
}

export interface PublishFailure {
  error: AppError;
  /** The Hub failed or could not be reached: trying again may work (finished files are not sent again). */
  transient: boolean;
}

/** Where the request failed: creating the repo, or sending files to it. */
export type PublishStage = 'create' | 'upload';

function detailOf(message: string): string {
  return message.split('. URL: ')[0]!.replace(/\.$/, '');
}

function statusFailure(status: number, detail: string, repo: string, kind: string, stage: PublishStage) {
  const namespace = repo.split('/')[0]!;
  if (status === 401) return new AppError('unavailable', `The Hub refused the token (${detail}).`, TOKEN_HINT);
  if (status === 403 && stage === 'create')
    return new AppError(
      'unavailable',
      `The token's account may not create a ${kind} repo under ${namespace} (${detail}).`,
      `Publish under your own name, or ask an admin of ${namespace} for write access; a fine-grained token also needs write access to ${namespace}.`,
    );
  if (status === 403)
    return new AppError(
      'unavailable',
      `The token's account may not write to ${repo} (${detail}).`,
      `The name may be taken by someone else's repo: pick another name, or ask for write access to ${repo}.`,
    );
  if (status === 400 || status === 422)
    return new AppError(
      'invalid_input',
      `The Hub does not accept the ${kind} repo ${repo} (${detail}).`,
      'Names use letters, digits, "-", "_" and "." (at most 96 characters), and must not be taken.',
    );
  return new AppError('unavailable', `The Hub refused to publish ${repo} (HTTP ${status}: ${detail}).`);
}

export function classifyPublishError(
  error: unknown,
  context: { library: HubLibrary; hubUrl: string; repo: string; kind: string; stage: PublishStage },
): PublishFailure {
  if (error instanceof AppError) return { error, transient: false };
  const { library, hubUrl, repo, kind, stage } = context;
  if (error instanceof library.HubApiError) {
    const status = error.statusCode;
    if (status >= 500 || status === 429)
      return {
        error: new AppError('unavailable', `The Hub at ${hubUrl} failed while publishing ${repo} (HTTP ${status}).`),
        transient: true,
      };
    return { error: statusFailure(status, detailOf(error.message), repo, kind, stage), transient: false };
  }
  const reason = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && error.name === 'AbortError') throw error;
  return {
    error: new AppError('unavailable', `The Hub at ${hubUrl} cannot be reached (${reason}).`),
    transient: true,
  };
}
