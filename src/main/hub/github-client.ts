// Asks GitHub's REST API for example code: code search (`GET /search/code`, which needs a token) and a
// file or folder (`GET /repos/{owner}/{repo}/contents/{path}?ref=`, a file raw). Answers are compact text
// kept in the Hub's disk cache, keyed by the API's URL and the request; when GitHub cannot answer
// (network, timeout, 5xx, a spent rate limit) a cached answer to the same request stands in.
import { AppError } from '../../shared/errors';
import { answerOrCached, HubCache, type CachedText } from './hub-cache';
import type { GitHubEndpoint } from './github-endpoint';
import { classifyGitHubError, GitHubStatus, TOKEN_PLACES } from './github-errors';
import { fileText, folderText, searchText } from './github-format';
import { codeSearchSchema, folderSchema, githubErrorSchema } from './github-schemas';

export interface CodeSearchRequest {
  query: string;
  language?: string | undefined;
  repo?: string | undefined;
  limit: number;
}

export interface FileRequest {
  repo: string;
  path: string;
  ref?: string | undefined;
  /** The first line shown (from 1), to read past a cut. */
  fromLine?: number | undefined;
}

/** The most of one file that is downloaded; what is shown is cut further (github-format.ts). */
const MAX_FILE_BYTES = 1024 * 1024;

export class GitHubClient {
  readonly url: string;
  private readonly token: string | undefined;
  private readonly cache: HubCache;

  constructor(
    endpoint: GitHubEndpoint,
    cacheFolder: string,
    private readonly timeoutMs = 20_000,
  ) {
    this.url = endpoint.url;
    this.token = endpoint.token;
    this.cache = new HubCache(cacheFolder);
  }

  search(request: CodeSearchRequest, signal: AbortSignal): Promise<CachedText> {
    if (this.token === undefined) {
      throw new AppError(
        'invalid_input',
        'GitHub’s code search needs a token, and none is set.',
        `To search code, ${TOKEN_PLACES}. github_read reads public repos without one.`,
      );
    }
    const query = [
      request.query,
      request.language && `language:${request.language}`,
      request.repo && `repo:${request.repo}`,
    ]
      .filter((part) => part !== undefined && part !== '')
      .join(' ');
    const path = `/search/code?q=${encodeURIComponent(query)}&per_page=${request.limit}`;
    return this.cached(
      { op: 'search', query, limit: request.limit },
      `the code search "${query}"`,
      signal,
      async () => {
        const response = await this.get(path, 'application/vnd.github.text-match+json', signal);
        return searchText(query, codeSearchSchema.parse(await response.json()));
      },
    );
  }

  read(request: FileRequest, signal: AbortSignal): Promise<CachedText> {
    const encoded = request.path.split('/').map(encodeURIComponent).join('/');
    const ref = request.ref === undefined ? '' : `?ref=${encodeURIComponent(request.ref)}`;
    const what = `the path ${request.path === '' ? '/' : request.path} in ${request.repo}${request.ref === undefined ? '' : ` at ${request.ref}`}`;
    return this.cached({ op: 'read', ...request }, what, signal, async () => {
      const response = await this.get(
        `/repos/${request.repo}/contents/${encoded}${ref}`,
        'application/vnd.github.raw+json',
        signal,
      );
      // A folder has no raw form: GitHub lists its entries as JSON instead.
      if ((response.headers.get('content-type') ?? '').startsWith('application/json')) {
        return folderText(request, folderSchema.parse(await response.json()));
      }
      return fileText(request, await readCapped(response, MAX_FILE_BYTES));
    });
  }

  private cached(key: object, what: string, signal: AbortSignal, live: () => Promise<string>): Promise<CachedText> {
    return answerOrCached({ cache: this.cache, url: this.url, key: JSON.stringify(key), signal }, live, (error) =>
      classifyGitHubError(error, { what }, this.url, this.token !== undefined),
    );
  }

  private async get(path: string, accept: string, signal: AbortSignal): Promise<Response> {
    const response = await fetch(`${this.url}${path}`, {
      headers: {
        accept,
        'user-agent': 'looplab',
        'x-github-api-version': '2022-11-28',
        ...(this.token === undefined ? {} : { authorization: `Bearer ${this.token}` }),
      },
      signal: AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]),
    });
    if (response.ok) return response;
    const body = await response.text().catch(() => '');
    const parsed = githubErrorSchema.safeParse(safeJson(body));
    throw new GitHubStatus(
      response.status,
      response.headers,
      parsed.success ? parsed.data.message : body.slice(0, 200),
    );
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The body's first `maxBytes`, and whether there was more (the rest is not downloaded). */
async function readCapped(response: Response, maxBytes: number): Promise<{ bytes: Buffer; more: boolean }> {
  const parts: Buffer[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  if (reader === undefined) return { bytes: Buffer.alloc(0), more: false };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { bytes: Buffer.concat(parts), more: false };
    parts.push(Buffer.from(value));
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return { bytes: Buffer.concat(parts).subarray(0, maxBytes), more: true };
    }
  }
}
