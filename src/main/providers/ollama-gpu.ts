// A local Ollama and a GPU job must not fight over the same GPU memory: before a GPU job starts, the models
// Ollama holds in GPU memory are unloaded (`keep_alive: 0`, then waiting until /api/ps no longer lists
// them: Ollama answers before the memory is free), and loaded again once the last GPU job has ended. A
// GPU job found again after a restart is adopted with the models unloaded for it, so they still come back
// when it ends. Everything here is best effort: a failure is written to the job's log, never thrown.
import { Ollama, type Fetch } from 'ollama';
import { z } from 'zod';
import { resolveOllamaHost } from './ollama-host';

export interface OllamaGpuOptions {
  /** Ollama's address, or where to read it when a GPU job starts (settings.json); default OLLAMA_HOST. */
  host?: string | (() => string | undefined);
  fetch?: Fetch;
  /** How long a reloaded model stays loaded (Ollama's own default is 5 minutes). */
  keepAlive?: string;
  /** How long to wait for unloaded models to leave /api/ps, and how often to ask. */
  unloadWaitMs?: number;
  pollMs?: number;
  /** The GPUs' free memory now, in bytes (NVML); undefined when it cannot be read. */
  freeGpuBytes?: () => Promise<number | undefined>;
}

const UNLOAD_WAIT_MS = 30_000;
const POLL_MS = 250;

type Note = (text: string) => void;

const psSchema = z.object({ models: z.array(z.object({ name: z.string(), size_vram: z.number().catch(0) })) });

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Unloads every model Ollama holds in GPU memory; returns those it unloaded. */
export async function unloadGpuModels(client: Ollama, note: Note): Promise<string[]> {
  let names: string[];
  try {
    names = psSchema
      .parse(await client.ps())
      .models.filter((model) => model.size_vram > 0)
      .map((model) => model.name);
  } catch (error) {
    note(`could not ask Ollama which models hold GPU memory: ${messageOf(error)}`);
    return [];
  }
  const unloaded: string[] = [];
  for (const model of names) {
    try {
      await client.generate({ model, prompt: '', keep_alive: 0 });
      unloaded.push(model);
      note(`unloaded ${model} from GPU memory for this job`);
    } catch (error) {
      note(`could not unload ${model} from GPU memory: ${messageOf(error)}`);
    }
  }
  return unloaded;
}

/** Waits until /api/ps lists none of the models, up to `waitMs`; says so when they are still there. */
export async function waitUntilGone(
  client: Ollama,
  models: readonly string[],
  note: Note,
  timing: { waitMs: number; pollMs: number },
): Promise<void> {
  if (models.length === 0) return;
  const deadline = Date.now() + timing.waitMs;
  let left: string[];
  for (;;) {
    try {
      const listed = new Set(psSchema.parse(await client.ps()).models.map((model) => model.name));
      left = models.filter((model) => listed.has(model));
    } catch (error) {
      note(`could not ask Ollama whether the GPU memory is free: ${messageOf(error)}`);
      return;
    }
    if (left.length === 0) return;
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, timing.pollMs));
  }
  note(`${left.join(', ')} still listed by Ollama after ${Math.round(timing.waitMs / 1000)} s; the job starts anyway`);
}

/** Loads the models again after a GPU job. */
export async function reloadModels(client: Ollama, models: readonly string[], note: Note, keepAlive = '5m') {
  for (const model of models) {
    try {
      await client.generate({ model, prompt: '', keep_alive: keepAlive });
      note(`loaded ${model} again`);
    } catch (error) {
      note(`could not load ${model} again: ${messageOf(error)}`);
    }
  }
}

export function isThisMachine(host: string): boolean {
  const name = new URL(host).hostname;
  return name === 'localhost' || name === '[::1]' || name.startsWith('127.');
}

/**
 * Shares the GPU between Ollama and GPU jobs: the first GPU job unloads Ollama's models, the last one to
 * end loads them again, so two overlapping jobs never hand the GPU back to Ollama while one still runs.
 */
export function createOllamaGpuGuard(options: OllamaGpuOptions = {}) {
  let holders = 0;
  let unloaded: string[] = [];
  // One change at a time: an unload and a reload never overlap.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };
  const client = () => {
    const given = typeof options.host === 'function' ? options.host() : options.host;
    const host = resolveOllamaHost(given ?? process.env.OLLAMA_HOST);
    return { host, ollama: new Ollama(options.fetch === undefined ? { host } : { host, fetch: options.fetch }) };
  };
  const timing = { waitMs: options.unloadWaitMs ?? UNLOAD_WAIT_MS, pollMs: options.pollMs ?? POLL_MS };

  return {
    /** The models unloaded for the GPU jobs now running, to be loaded again after the last. */
    unloaded: (): readonly string[] => [...unloaded],
    /**
     * Frees the GPU for a job; with `adopted`, takes over a job found running after a restart, whose
     * models (unloaded for it then) are loaded again when it ends.
     */
    acquire: (note: Note, adopted?: readonly string[], needBytes?: number) =>
      serially(async () => {
        holders++;
        if (adopted !== undefined) unloaded = [...new Set([...unloaded, ...adopted])];
        // The first GPU job frees the GPU, unless it said what it needs and the free memory holds that.
        else if (holders === 1 && !(await fitsBeside(needBytes, options.freeGpuBytes, note))) {
          const { host, ollama } = client();
          if (isThisMachine(host)) {
            unloaded = await unloadGpuModels(ollama, note);
            await waitUntilGone(ollama, unloaded, note, timing);
          } else note(`Ollama at ${host} runs on another machine: its models stay loaded`);
        }
        let released = false;
        return (after: Note) =>
          serially(async () => {
            if (released) return;
            released = true;
            holders--;
            if (holders > 0 || unloaded.length === 0) return;
            const models = unloaded;
            unloaded = [];
            await reloadModels(client().ollama, models, after, options.keepAlive);
          });
      }),
  };
}

/**
 * Whether a GPU job that said how much GPU memory it needs fits in what is free now, beside the models
 * loaded there. Without the job's word, or the GPUs' figures, it does not: the models are unloaded.
 */
async function fitsBeside(
  needBytes: number | undefined,
  freeGpuBytes: (() => Promise<number | undefined>) | undefined,
  note: Note,
): Promise<boolean> {
  if (needBytes === undefined || freeGpuBytes === undefined) return false;
  const free = await freeGpuBytes().catch(() => undefined);
  if (free === undefined || free < needBytes) return false;
  const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  note(`the GPUs have ${gib(free)} free, the job needs ${gib(needBytes)}: Ollama's models stay loaded`);
  return true;
}
