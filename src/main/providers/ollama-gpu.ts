// A local Ollama and a GPU job must not fight over the same GPU memory: before a GPU job starts, the models
// Ollama holds in GPU memory are unloaded (`keep_alive: 0`), and loaded again once the last GPU job has
// ended. Everything here is best effort: a failure is written to the job's log, never thrown.
import { Ollama, type Fetch } from 'ollama';
import { z } from 'zod';
import { resolveOllamaHost } from './ollama-host';

export interface OllamaGpuOptions {
  /** Defaults to OLLAMA_HOST, read when a GPU job starts. */
  host?: string;
  fetch?: Fetch;
  /** How long a reloaded model stays loaded (Ollama's own default is 5 minutes). */
  keepAlive?: string;
}

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
    const host = resolveOllamaHost(options.host ?? process.env.OLLAMA_HOST);
    return { host, ollama: new Ollama(options.fetch === undefined ? { host } : { host, fetch: options.fetch }) };
  };

  return {
    acquire: (note: Note) =>
      serially(async () => {
        holders++;
        if (holders === 1) {
          const { host, ollama } = client();
          if (isThisMachine(host)) unloaded = await unloadGpuModels(ollama, note);
          else note(`Ollama at ${host} runs on another machine: its models stay loaded`);
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
