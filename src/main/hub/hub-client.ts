// Asks the Hugging Face Hub through @huggingface/hub (and its REST API for papers) and answers in
// compact text. Every answer is kept in the disk cache; when the Hub cannot be reached (network,
// timeout, 5xx, rate limit) a cached answer to the same question stands in, saying when it was fetched.
import type { PipelineType, RepoDesignation } from '@huggingface/hub';
import { AppError } from '../../shared/errors';
import { formatDateTime } from '../../shared/format';
import { cardSummary } from './card-summary';
import { answerOrCached, HubCache, type CachedText } from './hub-cache';
import type { HubEndpoint } from './hub-endpoint';
import { classifyHubError, type HubFailure, type HubSubject, type ResponseNotes } from './hub-errors';
import { datasetHit, datasetText, modelHit, modelText, paperHit, paperText } from './hub-format';
import { readHubFile } from './hub-files';
import { hubLibrary, type HubLibrary } from './hub-library';
import { paperLinks, paperLinksText } from './paper-links';
import { baseLookup, lineageText, modelLineage } from './hub-lineage';
import {
  datasetDetailsSchema,
  fileEntrySchema,
  modelDetailsSchema,
  paperSchema,
  paperSearchSchema,
  type FileEntry,
} from './hub-schemas';

export type HubKind = 'model' | 'dataset' | 'paper';
export type HubSort = 'downloads' | 'likes' | 'recent';

export interface HubSearch {
  kind: HubKind;
  query: string;
  limit: number;
  task?: string | undefined;
  library?: string | undefined;
  sort?: HubSort | undefined;
}

export type HubAnswer = CachedText;

export interface HubClientOptions {
  endpoint: HubEndpoint;
  cacheFolder: string;
  /** Per request; a Hub that does not answer in time counts as unreachable. */
  timeoutMs?: number;
}

/** What one request's fetches share: the library, the signal, and the headers the library's errors drop. */
export interface HubCall {
  library: HubLibrary;
  hubUrl: string;
  accessToken: string | undefined;
  fetch: typeof fetch;
  notes: ResponseNotes;
}

const FILES_LISTED = 500;
const README_MAX_BYTES = 256 * 1024;

const SORTS: Record<HubSort, 'downloads' | 'likes' | 'lastModified'> = {
  downloads: 'downloads',
  likes: 'likes',
  recent: 'lastModified',
};

export class HubClient {
  readonly url: string;
  private readonly token: string | undefined;
  private readonly cache: HubCache;
  private readonly timeoutMs: number;

  constructor(options: HubClientOptions) {
    this.url = options.endpoint.url;
    this.token = options.endpoint.token;
    this.cache = new HubCache(options.cacheFolder);
    this.timeoutMs = options.timeoutMs ?? 20_000;
  }

  /** A fetch that gives up after the timeout or when the run stops, and notes Retry-After. */
  async open(signal: AbortSignal): Promise<HubCall> {
    if (this.token !== undefined && !this.token.startsWith('hf_')) {
      throw new AppError(
        'invalid_input',
        'HF_TOKEN does not look like a Hugging Face token (they start with hf_).',
        'Set HF_TOKEN to a token from https://huggingface.co/settings/tokens, or unset it for public data.',
      );
    }
    const notes: ResponseNotes = {};
    const timeoutMs = this.timeoutMs;
    const guarded: typeof fetch = async (input, init) => {
      const response = await fetch(input, {
        ...init,
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      });
      if (response.status === 429) notes.retryAfter = response.headers.get('retry-after') ?? undefined;
      return response;
    };
    return { library: await hubLibrary(), hubUrl: this.url, accessToken: this.token, fetch: guarded, notes };
  }

  /** The web page of a repo or paper. */
  page(kind: HubKind, id: string): string {
    return `${this.url}/${kind === 'model' ? '' : `${kind}s/`}${id}`;
  }

  fail(error: unknown, subject: HubSubject, call: HubCall | undefined): AppError {
    return this.failure(error, subject, call).error;
  }

  private failure(error: unknown, subject: HubSubject, call: HubCall | undefined): HubFailure {
    return classifyHubError(error, subject, {
      hubUrl: this.url,
      hasToken: this.token !== undefined,
      notes: call?.notes ?? {},
      library: call?.library,
    });
  }

  search(request: HubSearch, signal: AbortSignal): Promise<HubAnswer> {
    const key = JSON.stringify({ op: 'search', ...request });
    const subject = { what: `the ${request.kind} search "${request.query}"` };
    return this.cached(key, subject, signal, async (call) => {
      if (request.kind === 'paper') return this.searchPapers(request, call);
      if (request.kind === 'model') return this.searchModels(request, call);
      return this.searchDatasets(request, call);
    });
  }

  info(kind: HubKind, id: string, signal: AbortSignal): Promise<HubAnswer> {
    const key = JSON.stringify({ op: 'info', kind, id });
    const subject = { what: `${kind} ${id}`, page: this.page(kind, id) };
    return this.cached(key, subject, signal, async (call) => {
      if (kind === 'paper') return this.paperInfo(id, call);
      if (kind === 'model') return this.modelInfo(id, call);
      return this.datasetInfo(id, call);
    });
  }

  private async cached(
    key: string,
    subject: HubSubject,
    signal: AbortSignal,
    live: (call: HubCall) => Promise<string>,
  ): Promise<HubAnswer> {
    let call: HubCall | undefined;
    return answerOrCached(
      { cache: this.cache, url: this.url, key, signal },
      async () => live((call = await this.open(signal))),
      (error) => this.failure(error, subject, call),
    );
  }

  private async searchModels(request: HubSearch, call: HubCall): Promise<string> {
    const lines: string[] = [];
    const models = call.library.listModels({
      search: {
        query: request.query,
        ...(request.task === undefined ? {} : { task: request.task as PipelineType }),
        ...(request.library === undefined ? {} : { tags: [request.library] }),
      },
      additionalFields: ['library_name'],
      limit: request.limit,
      sort: SORTS[request.sort ?? 'downloads'],
      ...call,
    });
    for await (const model of models) lines.push(modelHit(lines.length + 1, modelDetailsSchema.parse(model)));
    return hitsText(request, lines);
  }

  private async searchDatasets(request: HubSearch, call: HubCall): Promise<string> {
    const lines: string[] = [];
    const datasets = call.library.listDatasets({
      search: {
        query: request.query,
        ...(request.task === undefined ? {} : { tags: [`task_categories:${request.task}`] }),
      },
      additionalFields: ['tags'],
      limit: request.limit,
      sort: SORTS[request.sort ?? 'downloads'],
      ...call,
    });
    for await (const dataset of datasets) lines.push(datasetHit(lines.length + 1, datasetDetailsSchema.parse(dataset)));
    return hitsText(request, lines);
  }

  private async searchPapers(request: HubSearch, call: HubCall): Promise<string> {
    const url = `${this.url}/api/papers/search?q=${encodeURIComponent(request.query)}`;
    const hits = paperSearchSchema.parse(await getJson(url, call));
    const lines = hits.slice(0, request.limit).map((hit, index) => paperHit(index + 1, hit.paper));
    return hitsText(request, lines);
  }

  private async modelInfo(id: string, call: HubCall): Promise<string> {
    const model = modelDetailsSchema.parse(
      await call.library.modelInfo({
        name: id,
        additionalFields: ['cardData', 'safetensors', 'library_name', 'tags'],
        ...call,
      }),
    );
    const { files, truncated } = await this.files({ type: 'model', name: id }, call);
    const summary = await this.summary({ type: 'model', name: id }, files, call);
    const lineage = lineageText(await modelLineage(model, baseLookup(call)));
    return modelText(model, this.page('model', id), summary, files, truncated, lineage);
  }

  private async datasetInfo(id: string, call: HubCall): Promise<string> {
    const dataset = datasetDetailsSchema.parse(
      await call.library.datasetInfo({ name: id, additionalFields: ['cardData', 'tags', 'description'], ...call }),
    );
    const { files, truncated } = await this.files({ type: 'dataset', name: id }, call);
    const summary = await this.summary({ type: 'dataset', name: id }, files, call);
    return datasetText(dataset, this.page('dataset', id), summary, files, truncated);
  }

  private async paperInfo(id: string, call: HubCall): Promise<string> {
    const paper = paperSchema.parse(await getJson(`${this.url}/api/papers/${encodeURIComponent(id)}`, call));
    const links = paperLinksText(await paperLinks(paper.id, call));
    return [paperText(paper, `${this.url}/papers/${paper.id}`), ...links].join('\n');
  }

  private async files(repo: RepoDesignation, call: HubCall): Promise<{ files: FileEntry[]; truncated: boolean }> {
    const files: FileEntry[] = [];
    for await (const entry of call.library.listFiles({ repo, recursive: true, ...call })) {
      if (files.length === FILES_LISTED) return { files, truncated: true };
      files.push(fileEntrySchema.parse(entry));
    }
    return { files, truncated: false };
  }

  private async summary(
    repo: RepoDesignation,
    files: readonly FileEntry[],
    call: HubCall,
  ): Promise<string | undefined> {
    if (!files.some((file) => file.path === 'README.md')) return undefined;
    try {
      const readme = await readHubFile(call, repo, 'README.md', README_MAX_BYTES);
      return readme === undefined ? undefined : cardSummary(readme);
    } catch (error) {
      // A card kept behind a login leaves the rest of the details worth giving.
      if (error instanceof call.library.HubApiError && (error.statusCode === 401 || error.statusCode === 403))
        return undefined;
      throw error;
    }
  }
}

function hitsText(request: HubSearch, lines: readonly string[]): string {
  const filters = [
    request.task === undefined ? undefined : `task ${request.task}`,
    request.library === undefined ? undefined : `library ${request.library}`,
  ].filter((part) => part !== undefined);
  const what = (plural: boolean) =>
    `${request.kind}${plural ? 's' : ''} matching "${request.query}"${filters.length === 0 ? '' : ` (${filters.join(', ')})`}`;
  if (lines.length === 0) return `No ${what(true)} on the Hub.`;
  const order = request.kind === 'paper' ? '' : `, by ${request.sort ?? 'downloads'}`;
  return [`${lines.length} ${what(lines.length !== 1)}${order}:`, ...lines].join('\n');
}

/** A GET of the Hub's REST API, failing like the library does so errors read the same. */
async function getJson(url: string, call: HubCall): Promise<unknown> {
  const response = await call.fetch(url, {
    headers: {
      accept: 'application/json',
      ...(call.accessToken === undefined ? {} : { Authorization: `Bearer ${call.accessToken}` }),
    },
  });
  if (!response.ok) {
    const body = await response.text().catch(() => '');
    throw new call.library.HubApiError(
      url,
      response.status,
      response.headers.get('x-request-id') ?? undefined,
      body.slice(0, 300),
    );
  }
  return response.json();
}

export function cacheNote(answer: HubAnswer): string {
  if (answer.cached === undefined) return answer.text;
  const when = formatDateTime(answer.cached.fetchedAt);
  return `[From the cache, fetched ${when}: ${answer.cached.reason}]\n${answer.text}`;
}
