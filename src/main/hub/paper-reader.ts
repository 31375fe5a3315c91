// Reads a paper's full text from arXiv's HTML rendering (`<arXiv>/html/<id>`), parsed into sections.
// The parsed paper is kept in the Hub's disk cache, keyed by arXiv's URL and the id, so every section of a
// paper read once is still there offline. A paper without a rendering (404) is remembered as such.
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { answerOrCached, HubCache, type CachedText } from './hub-cache';
import { failure, networkReason, unexpectedAnswer, type HubFailure, type HubSubject } from './hub-errors';
import { parsePaperHtml, type PaperDocument } from './paper-html';

export const DEFAULT_ARXIV_URL = 'https://arxiv.org';

/** arXiv's address: LOOPLAB_ARXIV_URL (a mirror, or a fake in tests), else arxiv.org. */
export function arxivUrl(env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env.LOOPLAB_ARXIV_URL?.trim();
  return (chosen === undefined || chosen === '' ? DEFAULT_ARXIV_URL : chosen).replace(/\/+$/, '');
}

const sectionSchema = z.object({ heading: z.string(), level: z.union([z.literal(1), z.literal(2)]), text: z.string() });
const storedSchema = z.union([
  z.object({ title: z.string().optional(), sections: z.array(sectionSchema) }),
  z.object({ missing: z.literal(true) }),
]);

/** A paper's sections, or `missing` where arXiv has no HTML rendering of it; `cached` as for Hub answers. */
export interface PaperRead {
  paper: PaperDocument | undefined;
  cached?: CachedText['cached'];
}

/** arXiv's answer was not a paper page. */
class NotAPage extends Error {}
/** arXiv answered with an HTTP error. */
class ArxivStatus extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

export class PaperReader {
  private readonly cache: HubCache;

  constructor(
    readonly url: string,
    cacheFolder: string,
    private readonly timeoutMs = 20_000,
  ) {
    this.cache = new HubCache(cacheFolder);
  }

  /** The page a person opens for the paper. */
  page(id: string): string {
    return `${this.url}/html/${id}`;
  }

  async read(id: string, signal: AbortSignal): Promise<PaperRead> {
    const subject = { what: `paper ${id}`, page: this.page(id) };
    const answer = await answerOrCached(
      { cache: this.cache, url: this.url, key: JSON.stringify({ op: 'paper-html', id }), signal },
      async () => JSON.stringify(await this.fetchPaper(id, signal)),
      (error) => this.classify(error, subject),
    );
    const stored = storedSchema.parse(JSON.parse(answer.text));
    const paper = 'missing' in stored ? undefined : { title: stored.title, sections: stored.sections };
    return answer.cached === undefined ? { paper } : { paper, cached: answer.cached };
  }

  private async fetchPaper(id: string, signal: AbortSignal): Promise<z.infer<typeof storedSchema>> {
    const response = await fetch(this.page(id), {
      headers: { accept: 'text/html' },
      signal: AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]),
    });
    if (response.status === 404) return { missing: true };
    if (!response.ok) throw new ArxivStatus(response.status);
    const type = response.headers.get('content-type') ?? 'no content type';
    if (!type.includes('html')) throw new NotAPage(`${type}, not a web page`);
    const paper = parsePaperHtml(await response.text());
    // A page without headings is no rendering of a paper (a notice, a page still being converted).
    if (paper.sections.length === 0) return { missing: true };
    return paper.title === undefined ? { sections: paper.sections } : { title: paper.title, sections: paper.sections };
  }

  private classify(error: unknown, subject: HubSubject): HubFailure {
    if (error instanceof AppError) return { error, unreachable: false };
    const hint =
      'Check the network connection, or LOOPLAB_ARXIV_URL if arXiv is a mirror; papers read before are answered from the cache.';
    if (error instanceof ArxivStatus) {
      if (error.status === 429 || error.status >= 500)
        return failure(true, `arXiv at ${this.url} failed to answer (HTTP ${error.status}).`, hint);
      return failure(false, `arXiv refused the request for ${subject.what} (HTTP ${error.status}).`);
    }
    const reason = networkReason(error);
    if (reason !== undefined) return failure(true, `arXiv at ${this.url} cannot be reached (${reason}).`, hint);
    return unexpectedAnswer(`arXiv at ${this.url}`, subject, error, hint);
  }
}
