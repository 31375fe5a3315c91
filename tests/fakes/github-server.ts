// A fake GitHub REST API on 127.0.0.1 answering in GitHub's shapes: `GET /search/code` (a token required,
// `q` with language: and repo: qualifiers, `text_matches` with the text-match media type), and
// `GET /repos/{owner}/{repo}/contents/{path}?ref=` (a file raw with the raw media type, a folder as its
// JSON listing, 404 `Not Found`), with x-ratelimit-* headers on every answer, 401 `Bad credentials` for an
// unknown token, and a switchable spent rate limit (403 with x-ratelimit-remaining: 0).
import type { ServerResponse } from 'node:http';
import { sendJson, startHttpFake, type CapturedRequest, type FakeServer } from './http-fake';

export interface FakeGitHubRepo {
  fullName: string;
  defaultBranch?: string;
  /** Files by path, per ref; the default branch's when the ref is not named. */
  refs: Record<string, Record<string, string>>;
}

export interface FakeGitHub extends FakeServer {
  /** While set, every request gets the rate limit's 403, resetting at this time (seconds since 1970). */
  rateLimitReset: number | undefined;
  /** While set, every answer is this JSON instead (a server that is not GitHub's API). */
  replaceWith: unknown;
}

const DOCS = 'https://docs.github.com/rest';
const LANGUAGES: Record<string, string[]> = { python: ['.py'], yaml: ['.yml', '.yaml'], markdown: ['.md'] };

function limitHeaders(remaining: number, reset: number): Record<string, string> {
  return {
    'x-ratelimit-limit': '30',
    'x-ratelimit-remaining': String(remaining),
    'x-ratelimit-reset': String(reset),
    'x-ratelimit-used': String(30 - remaining),
    'x-ratelimit-resource': 'code_search',
    'x-github-api-version-selected': '2022-11-28',
  };
}

function repositoryOf(repo: FakeGitHubRepo, base: string) {
  const [owner, name] = repo.fullName.split('/');
  return {
    id: repo.fullName.length,
    node_id: 'R_kgDOfake',
    name,
    full_name: repo.fullName,
    private: false,
    owner: { login: owner, id: 1, type: 'Organization', html_url: `https://github.com/${owner}` },
    html_url: `https://github.com/${repo.fullName}`,
    description: null,
    fork: false,
    url: `${base}/repos/${repo.fullName}`,
  };
}

/** The line that holds the first word, with the lines around it, as GitHub's fragments are. */
function fragmentOf(content: string, word: string) {
  const lines = content.split('\n');
  const at = lines.findIndex((line) => line.toLowerCase().includes(word));
  const fragment = lines.slice(Math.max(0, at - 1), at + 2).join('\n');
  const index = fragment.toLowerCase().indexOf(word);
  return {
    fragment,
    matches: [{ text: fragment.slice(index, index + word.length), indices: [index, index + word.length] }],
  };
}

export async function startGitHubServer(options: { repos: FakeGitHubRepo[]; tokens: string[] }): Promise<FakeGitHub> {
  let base = '';
  const server = await startHttpFake((request, response) => {
    if (fake.replaceWith !== undefined) return sendJson(response, 200, fake.replaceWith);
    const reset = fake.rateLimitReset ?? Math.floor(Date.now() / 1000) + 60;
    if (fake.rateLimitReset !== undefined) {
      return sendJson(
        response,
        403,
        {
          message: 'API rate limit exceeded for user ID 1.',
          documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`,
        },
        limitHeaders(0, reset),
      );
    }
    const auth = request.headers.authorization;
    const token = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
    if (token !== undefined && !options.tokens.includes(token)) {
      return sendJson(
        response,
        401,
        { message: 'Bad credentials', documentation_url: DOCS, status: '401' },
        limitHeaders(29, reset),
      );
    }
    const url = new URL(request.path, base);
    if (url.pathname === '/search/code') return search(request, response, url, token, reset);
    const match = /^\/repos\/([^/]+\/[^/]+)\/contents(?:\/(.*))?$/.exec(url.pathname);
    if (match !== null) return contents(request, response, match[1]!, decodeURIComponent(match[2] ?? ''), url, reset);
    return sendJson(response, 404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
  });
  base = server.url;
  const fake: FakeGitHub = Object.assign(server, { rateLimitReset: undefined, replaceWith: undefined });

  function search(
    request: CapturedRequest,
    response: ServerResponse,
    url: URL,
    token: string | undefined,
    reset: number,
  ) {
    if (token === undefined) {
      return sendJson(response, 401, {
        message: 'Requires authentication',
        documentation_url: `${DOCS}/search/search#search-code`,
        status: '401',
      });
    }
    const terms = (url.searchParams.get('q') ?? '').split(/\s+/).filter(Boolean);
    const language = terms.find((term) => term.startsWith('language:'))?.slice(9);
    const only = terms.find((term) => term.startsWith('repo:'))?.slice(5);
    const words = terms.filter((term) => !term.includes(':')).map((word) => word.toLowerCase());
    const textMatch = String(request.headers.accept ?? '').includes('text-match');
    const items = options.repos
      .filter((repo) => only === undefined || repo.fullName === only)
      .flatMap((repo) =>
        Object.entries(repo.refs[repo.defaultBranch ?? 'main'] ?? {})
          .filter(([path]) => language === undefined || (LANGUAGES[language] ?? []).some((ext) => path.endsWith(ext)))
          .filter(([, content]) => words.every((word) => content.toLowerCase().includes(word)))
          .map(([path, content]) => ({
            name: path.split('/').at(-1),
            path,
            sha: 'a'.repeat(40),
            url: `${base}/repositories/1/contents/${path}`,
            git_url: `${base}/repositories/1/git/blobs/${'a'.repeat(40)}`,
            html_url: `https://github.com/${repo.fullName}/blob/${'b'.repeat(40)}/${path}`,
            repository: repositoryOf(repo, base),
            score: 1,
            ...(textMatch
              ? {
                  text_matches: [
                    {
                      object_url: `${base}/repositories/1/contents/${path}`,
                      object_type: 'FileContent',
                      property: 'content',
                      ...fragmentOf(content, words[0] ?? ''),
                    },
                  ],
                }
              : {}),
          })),
      );
    const perPage = Number(url.searchParams.get('per_page') ?? '30');
    sendJson(
      response,
      200,
      { total_count: items.length, incomplete_results: false, items: items.slice(0, perPage) },
      limitHeaders(29, reset),
    );
  }

  function contents(
    request: CapturedRequest,
    response: ServerResponse,
    fullName: string,
    path: string,
    url: URL,
    reset: number,
  ) {
    const repo = options.repos.find((candidate) => candidate.fullName === fullName);
    const files = repo?.refs[url.searchParams.get('ref') ?? repo.defaultBranch ?? 'main'];
    const notFound = () =>
      sendJson(
        response,
        404,
        { message: 'Not Found', documentation_url: `${DOCS}/repos/contents#get-repository-content`, status: '404' },
        limitHeaders(59, reset),
      );
    if (files === undefined) return notFound();
    const file = files[path];
    if (file !== undefined) {
      if (!String(request.headers.accept ?? '').includes('raw'))
        return sendJson(response, 415, { message: 'Use the raw media type in this fake' });
      response.writeHead(200, {
        'content-type': 'application/vnd.github.raw; charset=utf-8',
        ...limitHeaders(58, reset),
      });
      return void response.end(file);
    }
    const prefix = path === '' ? '' : `${path}/`;
    const inside = Object.keys(files).filter((candidate) => candidate.startsWith(prefix));
    if (inside.length === 0) return notFound();
    const names = [...new Set(inside.map((candidate) => candidate.slice(prefix.length).split('/')[0]!))].sort();
    const entries = names.map((name) => {
      const full = `${prefix}${name}`;
      const isFile = files[full] !== undefined;
      return {
        name,
        path: full,
        sha: 'c'.repeat(40),
        size: isFile ? Buffer.byteLength(files[full]!) : 0,
        url: `${base}/repos/${fullName}/contents/${full}`,
        html_url: `https://github.com/${fullName}/${isFile ? 'blob' : 'tree'}/main/${full}`,
        download_url: isFile ? `https://raw.githubusercontent.com/${fullName}/main/${full}` : null,
        type: isFile ? 'file' : 'dir',
      };
    });
    sendJson(response, 200, entries, limitHeaders(58, reset));
  }

  return fake;
}
