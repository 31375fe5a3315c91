// How much GPU memory a model of a local Ollama needs, as Ollama tells it: its size as loaded (`/api/ps`),
// else as installed (`/api/tags`), and whether it sits wholly in GPU memory already.
import { Ollama, type Fetch } from 'ollama';
import { z } from 'zod';

export interface ModelFootprint {
  /** Loaded, and wholly in GPU memory. */
  onGpu: boolean;
  /** Its size in bytes, where Ollama lists it. */
  bytes: number | undefined;
}

const modelsSchema = z.object({
  models: z.array(z.object({ name: z.string(), size: z.number().catch(0), size_vram: z.number().catch(0) })),
});

/** Asks the Ollama at `host` about `model`; throws when it does not answer. */
export function ollamaFootprint(host: string, model: string, fetch?: Fetch): () => Promise<ModelFootprint> {
  const client = new Ollama(fetch === undefined ? { host } : { host, fetch });
  const same = (name: string) => name === model || name === `${model}:latest`;
  return async () => {
    const loaded = modelsSchema.parse(await client.ps()).models.find((entry) => same(entry.name));
    if (loaded !== undefined)
      return { onGpu: loaded.size_vram > 0 && loaded.size_vram >= loaded.size, bytes: loaded.size };
    const installed = modelsSchema.parse(await client.list()).models.find((entry) => same(entry.name));
    return { onGpu: false, bytes: installed?.size };
  };
}
