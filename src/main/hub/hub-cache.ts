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
