// A fake Hugging Face Hub on 127.0.0.1 answering in the shapes the real Hub sends (recorded from
// huggingface.co): /api/models and /api/datasets (paged with absolute `Link` headers, `expand` picking
// fields), /api/{models,datasets}/{id}/revision/{rev}, /api/{models,datasets}/{id}/tree/{rev},
// /{id}/resolve/{rev}/{path} and /datasets/{id}/resolve/… (Range requests, gated 401/403, EntryNotFound),
// /api/papers/search and /api/papers/{id}, and a switchable 429 with Retry-After; and the write side
// that publishing uses (hub-publish-routes.ts): repo creation, pre-upload, LFS and the commit.
import type { ServerResponse } from 'node:http';
import { publishRoute, type FakePublisher, type PublishState } from './hub-publish-routes';
import { sendJson, startHttpFake, type CapturedRequest, type FakeServer } from './http-fake';

export interface FakeHubRepo {
  id: string;
  /** The API fields of the repo (downloads, likes, pipeline_tag, cardData, safetensors, tags…). */
  fields: Record<string, unknown>;
  /** File contents by path; `{ size, fill }` makes a file of that size generated on request. */
  files: Record<string, string | { size: number; fill: string }>;
  gated?: false | 'auto' | 'manual';
  private?: boolean;
}

export interface FakeHubPaper {
  id: string;
  title: string;
  summary: string;
  authors: string[];
  publishedAt: string;
  upvotes: number;
}

export interface FakeHubOptions {
  models?: FakeHubRepo[];
  datasets?: FakeHubRepo[];
  papers?: FakeHubPaper[];
  /** Tokens that have accepted the conditions of every gated repo. */
  grantedTokens?: string[];
  /** Tokens that are valid but have not accepted any gated repo's conditions. */
  otherTokens?: string[];
  /** Largest page of /api/models, /api/datasets and trees (the real Hub allows 1,000). */
  pageSize?: number;
  /** Accounts that may create repos and commit (by token), with the organizations they write to. */
  publishers?: FakePublisher[];
  /** Files at least this large are sent through LFS (default 10 MB, as on the Hub). */
  lfsThreshold?: number;
}

export interface FakeHub extends FakeServer {
  /** While set, every request gets 429 with this Retry-After. */
  rateLimit: { retryAfter: string | undefined };
  /** What was published: repos created, commits with their files, LFS objects, and faults to inject. */
  publish: PublishState;
}

const LAST_MODIFIED = '2025-03-04T12:30:00.000Z';

function objectId(id: string): string {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash.toString(16).padStart(8, '0').repeat(3);
}

function fileSize(content: FakeHubRepo['files'][string]): number {
  return typeof content === 'string' ? Buffer.byteLength(content) : content.size;
}

function fileBytes(content: FakeHubRepo['files'][string], start: number, end: number): Buffer {
  if (typeof content === 'string') return Buffer.from(content).subarray(start, end + 1);
  return Buffer.alloc(end + 1 - start, content.fill);
}

/** The repo as the API lists it: `_id`, `id`, and the expanded fields (all when nothing is expanded). */
function apiRepo(repo: FakeHubRepo, expand: readonly string[], kind: 'model' | 'dataset'): Record<string, unknown> {
  const all: Record<string, unknown> = {
    _id: objectId(repo.id),
    id: repo.id,
    author: repo.id.split('/')[0],
    private: repo.private ?? false,
    gated: repo.gated ?? false,
    disabled: false,
    downloads: 0,
    likes: 0,
    lastModified: LAST_MODIFIED,
    createdAt: '2024-01-10T08:00:00.000Z',
    sha: objectId(`${repo.id}sha`).slice(0, 40).padEnd(40, '0'),
    tags: [],
    siblings: Object.keys(repo.files).map((rfilename) => ({ rfilename })),
    ...(kind === 'model' ? { library_name: undefined, pipeline_tag: undefined } : {}),
    ...repo.fields,
  };
  if (expand.length === 0) return all;
  const picked: Record<string, unknown> = { _id: all._id, id: all.id };
  for (const key of expand) if (all[key] !== undefined) picked[key] = all[key];
  return picked;
}

export async function startHubServer(options: FakeHubOptions = {}): Promise<FakeHub> {
  const rateLimit: FakeHub['rateLimit'] = { retryAfter: undefined };
  const pageSize = options.pageSize ?? 1000;
  let base = '';
  const lists = { model: options.models ?? [], dataset: options.datasets ?? [] };
  const publish: PublishState = {
    publishers: options.publishers ?? [],
    lfsThreshold: options.lfsThreshold ?? 10 * 1024 * 1024,
    commits: [],
    lfsObjects: new Map(),
    created: [],
    faults: { commitFailures: 0 },
  };

  const server = await startHttpFake((request, response) => {
    const url = new URL(request.path, base);
    if (rateLimit.retryAfter !== undefined) {
      return sendJson(
        response,
        429,
        { error: "You have exceeded our hourly quotas for action 'api'. We invite you to retry later." },
        { 'retry-after': rateLimit.retryAfter },
      );
    }
    const path = decodeURIComponent(url.pathname);
    if (publishRoute(publish, publishHost, request, response, path)) return;
    let match: RegExpExecArray | null;
    if (path === '/api/models' || path === '/api/datasets') return list(request, response, url);
    if ((match = /^\/api\/(models|datasets)\/(.+?)\/revision\/([^/]+)$/.exec(path)))
      return info(request, response, match[1] === 'models' ? 'model' : 'dataset', match[2]!, url);
    if ((match = /^\/api\/(models|datasets)\/(.+?)\/tree\/([^/]+)(\/.*)?$/.exec(path)))
      return tree(request, response, match[1] === 'models' ? 'model' : 'dataset', match[2]!, url);
    if ((match = /^\/(datasets\/)?([^/]+\/[^/]+|[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path)))
      return resolve(request, response, match[1] === undefined ? 'model' : 'dataset', match[2]!, match[4]!);
    if (path === '/api/papers/search') return paperSearch(response, url);
    if ((match = /^\/api\/papers\/([^/]+)$/.exec(path))) return paper(response, match[1]!);
    return sendJson(response, 404, { error: 'Sorry, we can\u2019t find the page you are looking for.' });
  });
  base = server.url;

  const repos = (kind: 'model' | 'dataset') => lists[kind];
  const tokenOf = (request: CapturedRequest) => {
    const header = request.headers.authorization;
    return typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
  };
  const publishHost = {
    base: () => base,
    tokenOf,
    find: (kind: 'model' | 'dataset', id: string) => lists[kind].find((repo) => repo.id === id),
    add: (kind: 'model' | 'dataset', repo: FakeHubRepo) => void lists[kind].push(repo),
  };
  const known = (token: string | undefined) =>
    token !== undefined && [...(options.grantedTokens ?? []), ...(options.otherTokens ?? [])].includes(token);

  /** A repo the caller may see: private ones need a known token; others answer 404 like the Hub. */
  function findRepo(request: CapturedRequest, response: ServerResponse, kind: 'model' | 'dataset', id: string) {
    const repo = repos(kind).find((candidate) => candidate.id === id);
    const token = tokenOf(request);
    if (token !== undefined && !known(token)) {
      sendJson(response, 401, { error: 'Invalid credentials in Authorization header' });
      return undefined;
    }
    if (repo === undefined || (repo.private === true && !known(token))) {
      sendJson(response, 404, { error: 'Repository not found' }, { 'x-error-code': 'RepoNotFound' });
      return undefined;
    }
    return repo;
  }

  function page<T>(response: ServerResponse, url: URL, items: readonly T[], limit: number) {
    const size = Math.min(limit, pageSize);
    const start = Number(url.searchParams.get('cursor') ?? '0');
    const slice = items.slice(start, start + size);
    const headers: Record<string, string> = {};
    if (start + size < items.length) {
      const next = new URL(url);
      next.searchParams.set('cursor', String(start + size));
      headers.link = `<${next.toString()}>; rel="next"`;
    }
    sendJson(response, 200, slice, headers);
  }

  function list(request: CapturedRequest, response: ServerResponse, url: URL) {
    const kind = url.pathname === '/api/models' ? 'model' : 'dataset';
    const search = (url.searchParams.get('search') ?? '').toLowerCase();
    const task = url.searchParams.get('pipeline_tag');
    const filters = url.searchParams.getAll('filter');
    const sort = url.searchParams.get('sort') ?? undefined;
    const expand = url.searchParams.getAll('expand');
    const token = tokenOf(request);
    const rows = repos(kind)
      .filter((repo) => repo.private !== true || known(token))
      .map((repo) => apiRepo(repo, [], kind))
      .filter((row) => String(row.id).toLowerCase().includes(search))
      .filter((row) => task === null || row.pipeline_tag === task)
      .filter((row) => filters.every((tag) => row.library_name === tag || (row.tags as string[]).includes(tag)));
    if (sort !== undefined) {
      rows.sort((a, b) =>
        sort === 'lastModified'
          ? String(b.lastModified).localeCompare(String(a.lastModified))
          : Number(b[sort] ?? 0) - Number(a[sort] ?? 0),
      );
    }
    const picked = rows.map((row) => {
      const repo = repos(kind).find((candidate) => candidate.id === row.id)!;
      return apiRepo(repo, expand, kind);
    });
    page(response, url, picked, Number(url.searchParams.get('limit') ?? '1000'));
  }

  function info(request: CapturedRequest, response: ServerResponse, kind: 'model' | 'dataset', id: string, url: URL) {
    const repo = findRepo(request, response, kind, id);
    if (repo === undefined) return;
    sendJson(response, 200, apiRepo(repo, url.searchParams.getAll('expand'), kind));
  }

  function tree(request: CapturedRequest, response: ServerResponse, kind: 'model' | 'dataset', id: string, url: URL) {
    const repo = findRepo(request, response, kind, id);
    if (repo === undefined) return;
    const entries = Object.entries(repo.files).map(([path, content]) => {
      const size = fileSize(content);
      const lfs = size > 10_000 ? { lfs: { oid: objectId(path).repeat(3).slice(0, 64), size, pointerSize: 134 } } : {};
      return { type: 'file', oid: objectId(path).padEnd(40, '0'), size, path, ...lfs };
    });
    page(response, url, entries, pageSize);
  }

  function resolve(
    request: CapturedRequest,
    response: ServerResponse,
    kind: 'model' | 'dataset',
    id: string,
    path: string,
  ) {
    const repo = findRepo(request, response, kind, id);
    if (repo === undefined) return;
    const token = tokenOf(request);
    // As on the Hub, the card and .gitattributes of a gated repo stay public; its other files do not.
    const open = path === 'README.md' || path === '.gitattributes';
    if (
      !open &&
      repo.gated !== undefined &&
      repo.gated !== false &&
      !(options.grantedTokens ?? []).includes(token ?? '')
    ) {
      const page = `${base}/${kind === 'model' ? '' : 'datasets/'}${id}`;
      if (token === undefined) {
        return sendJson(
          response,
          401,
          {
            error: `Access to ${kind} ${id} is restricted. You must have access to it and be authenticated to access it. Please log in.`,
          },
          { 'x-error-code': 'GatedRepo' },
        );
      }
      return sendJson(
        response,
        403,
        {
          error: `Access to ${kind} ${id} is restricted and you are not in the authorized list. Visit ${page} to ask for access.`,
        },
        { 'x-error-code': 'GatedRepo' },
      );
    }
    const content = repo.files[path];
    if (content === undefined) {
      return sendJson(response, 404, { error: 'Entry not found' }, { 'x-error-code': 'EntryNotFound' });
    }
    const size = fileSize(content);
    const etag = `"${objectId(path)}"`;
    const range = /^bytes=(\d+)-(\d*)$/.exec(String(request.headers.range ?? ''));
    if (range !== null && size > 0) {
      const start = Number(range[1]);
      const end = Math.min(range[2] === '' ? size - 1 : Number(range[2]), size - 1);
      response.writeHead(206, {
        'content-type': 'application/octet-stream',
        'content-range': `bytes ${start}-${end}/${size}`,
        'content-length': String(end + 1 - start),
        'accept-ranges': 'bytes',
        etag,
      });
      response.end(fileBytes(content, start, end));
      return;
    }
    response.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(size),
      'accept-ranges': 'bytes',
      etag,
    });
    if (typeof content === 'string') {
      response.end(content);
      return;
    }
    return streamFill(response, content.fill, size);
  }

  function paperSearch(response: ServerResponse, url: URL) {
    const words = (url.searchParams.get('q') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    const hits = (options.papers ?? []).filter((paper) =>
      words.every((word) => `${paper.title} ${paper.summary}`.toLowerCase().includes(word)),
    );
    sendJson(
      response,
      200,
      hits.map((paper) => ({
        paper: apiPaper(paper),
        publishedAt: paper.publishedAt,
        title: paper.title,
        summary: paper.summary,
        thumbnail: `https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/${paper.id}.png`,
        numComments: 3,
        isAuthorParticipating: false,
      })),
    );
  }

  function paper(response: ServerResponse, id: string) {
    const found = (options.papers ?? []).find((candidate) => candidate.id === id);
    if (found === undefined) return sendJson(response, 404, { error: 'Paper not found' });
    sendJson(response, 200, { ...apiPaper(found), mediaUrls: [], discussionId: objectId(id) });
  }

  return Object.assign(server, { rateLimit, publish });
}

function apiPaper(paper: FakeHubPaper) {
  return {
    id: paper.id,
    authors: paper.authors.map((name, index) => ({ _id: objectId(`${paper.id}${index}`), name, hidden: false })),
    publishedAt: paper.publishedAt,
    submittedOnDailyAt: paper.publishedAt,
    title: paper.title,
    summary: paper.summary,
    upvotes: paper.upvotes,
    githubRepo: null,
  };
}

async function streamFill(response: ServerResponse, fill: string, size: number) {
  const chunk = Buffer.alloc(64 * 1024, fill);
  let left = size;
  while (left > 0 && !response.destroyed) {
    const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
    left -= part.length;
    if (!response.write(part)) await new Promise((resolve) => response.once('drain', resolve));
  }
  response.end();
}
