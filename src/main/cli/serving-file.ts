// Which process serves a data folder's UI, and where: `serving.json` in the folder, written by
// `looplab serve` once it listens (readable by its owner only: the link carries the session token) and
// removed when it stops. A file left by a process that died, or whose server no longer answers, counts
// for nothing.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../settings/atomic-write';
import { alive } from '../store/run-owners';

const FILE = 'serving.json';

const servingSchema = z.object({
  pid: z.number().int().positive(),
  port: z.number().int().min(1).max(65_535),
  openUrl: z.string().regex(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+$/),
});
export type Serving = z.infer<typeof servingSchema>;

export function rememberServing(home: string, serving: Serving): void {
  writeFileAtomic(join(home, FILE), `${JSON.stringify(serving)}\n`, 0o600);
}

/** Removes the file, if it is still this process's. */
export function forgetServing(home: string, pid: number): void {
  if (read(home)?.pid === pid) rmSync(join(home, FILE), { force: true });
}

/** The server already serving this folder, when its process is alive and its port answers. */
export async function liveServing(home: string): Promise<Serving | undefined> {
  const serving = read(home);
  if (serving === undefined || serving.pid === process.pid || !alive(serving.pid)) return undefined;
  try {
    const answer = await fetch(`http://127.0.0.1:${serving.port}/`, { signal: AbortSignal.timeout(2_000) });
    await answer.body?.cancel();
    return answer.ok ? serving : undefined;
  } catch {
    return undefined;
  }
}

function read(home: string): Serving | undefined {
  try {
    const parsed = servingSchema.safeParse(JSON.parse(readFileSync(join(home, FILE), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
