// Answers from the Hub kept on disk, keyed by (hub URL, request), so a question asked before is still
// answered when the Hub cannot be reached. Each entry says when it was fetched; live answers replace it.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

const entrySchema = z.object({
  hubUrl: z.string(),
  request: z.string(),
  fetchedAt: z.number(),
  answer: z.string(),
});
export type CacheEntry = z.infer<typeof entrySchema>;

export class HubCache {
  constructor(readonly folder: string) {}

  private file(hubUrl: string, request: string): string {
    const key = createHash('sha256').update(`${hubUrl}\n${request}`).digest('hex');
    return join(this.folder, key.slice(0, 2), `${key}.json`);
  }

  /** The entry for this request, or undefined when there is none (or it cannot be read). */
  async get(hubUrl: string, request: string): Promise<CacheEntry | undefined> {
    try {
      const parsed = entrySchema.safeParse(JSON.parse(await readFile(this.file(hubUrl, request), 'utf8')));
      if (!parsed.success || parsed.data.hubUrl !== hubUrl || parsed.data.request !== request) return undefined;
      return parsed.data;
    } catch {
      return undefined;
    }
  }

  async put(hubUrl: string, request: string, answer: string, fetchedAt = Date.now()): Promise<void> {
    const target = this.file(hubUrl, request);
    await mkdir(join(target, '..'), { recursive: true });
    const temporary = `${target}.${process.pid}.${Date.now()}.tmp`;
    const entry: CacheEntry = { hubUrl, request, fetchedAt, answer };
    await writeFile(temporary, JSON.stringify(entry), 'utf8');
    await rename(temporary, target);
  }
}

/** An answer for the model, and where it came from the cache, when and why. */
export interface CachedText {
  text: string;
  /** Set when the server could not be reached and the answer came from the cache. */
  cached?: { fetchedAt: number; reason: string };
}

/** What a failed request means: its error, and whether a cached answer may stand in. */
export interface Failure {
  error: Error;
  unreachable: boolean;
}

/**
 * Asks the server; a live answer is kept in the cache, and when the server cannot answer (`classify` says
 * it is unreachable) the cached answer to the same request stands in. A stopped run's abort goes through.
 */
export async function answerOrCached(
  where: { cache: HubCache; url: string; key: string; signal: AbortSignal },
  live: () => Promise<string>,
  classify: (error: unknown) => Failure,
): Promise<CachedText> {
  try {
    const text = await live();
    // A cache that cannot be written (a full disk) costs the offline answer, not this one.
    await where.cache.put(where.url, where.key, text).catch(() => undefined);
    return { text };
  } catch (error) {
    if (where.signal.aborted) throw error;
    const failure = classify(error);
    if (!failure.unreachable) throw failure.error;
    const entry = await where.cache.get(where.url, where.key);
    if (entry === undefined) throw failure.error;
    return { text: entry.answer, cached: { fetchedAt: entry.fetchedAt, reason: failure.error.message } };
  }
}
