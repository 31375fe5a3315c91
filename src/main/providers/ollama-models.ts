// Managing the models of a local Ollama: what is installed (with its context window, whether it takes
// tools, and whether it is loaded), pulling one with progress, and unloading one to free GPU memory.
// Through the real `ollama` client; failures become AppErrors that say what to do.
import { Ollama } from 'ollama';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { contextLengthOf } from './ollama';
import { resolveOllamaHost } from './ollama-host';
import { showSchema } from './ollama-messages';

export interface LocalModel {
  /** `ollama/<name>`, as runs name it. */
  id: string;
  name: string;
  sizeBytes: number;
  parameterSize: string | undefined;
  quantization: string | undefined;
  family: string | undefined;
  contextLength: number;
  supportsTools: boolean;
  /** Loaded now, with the GPU memory it holds (0 on the CPU); undefined when not loaded. */
  loadedVramBytes: number | undefined;
}

export interface PullProgress {
  status: string;
  completed: number | undefined;
  total: number | undefined;
}

const tagsSchema = z.object({
  models: z.array(
    z.object({
      name: z.string(),
      size: z.number().catch(0),
      details: z
        .object({
          family: z.string().optional(),
          parameter_size: z.string().optional(),
          quantization_level: z.string().optional(),
        })
        .catch({}),
    }),
  ),
});
const psSchema = z.object({ models: z.array(z.object({ name: z.string(), size_vram: z.number().catch(0) })) });
const progressSchema = z.object({
  status: z.string(),
  completed: z.number().optional(),
  total: z.number().optional(),
});

export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class OllamaModels {
  readonly host: string;
  protected readonly client: Ollama;

  constructor(host?: string) {
    this.host = resolveOllamaHost(host ?? process.env.OLLAMA_HOST);
    this.client = new Ollama({ host: this.host });
  }

  protected unreachable(error: unknown): AppError {
    return new AppError(
      'unavailable',
      `Ollama at ${this.host} does not answer (${messageOf(error)}).`,
      'Start it with `ollama serve` (install it from https://ollama.com), or set OLLAMA_HOST.',
    );
  }

  async list(): Promise<LocalModel[]> {
    let tags: z.infer<typeof tagsSchema>;
    let ps: z.infer<typeof psSchema>;
    try {
      tags = tagsSchema.parse(await this.client.list());
      ps = psSchema.parse(await this.client.ps());
    } catch (error) {
      throw this.unreachable(error);
    }
    const loaded = new Map(ps.models.map((model) => [model.name, model.size_vram]));
    return Promise.all(
      tags.models.map(async (model): Promise<LocalModel> => {
        const show = await this.client
          .show({ model: model.name })
          .then((answer) => showSchema.parse(answer))
          .catch(() => undefined);
        const capabilities = show?.capabilities ?? [];
        return {
          id: `ollama/${model.name}`,
          name: model.name,
          sizeBytes: model.size,
          parameterSize: model.details.parameter_size,
          quantization: model.details.quantization_level,
          family: model.details.family,
          contextLength: contextLengthOf(show?.model_info ?? {}),
          supportsTools:
            capabilities.length > 0 ? capabilities.includes('tools') : /\.Tools\b/.test(show?.template ?? ''),
          loadedVramBytes: loaded.get(model.name),
        };
      }),
    );
  }

  /** Pulls a model, reporting each progress line; resolves once Ollama says success. */
  async pull(name: string, onProgress: (progress: PullProgress) => void, signal?: AbortSignal): Promise<void> {
    const last = await this.follow(
      () => this.client.pull({ model: name, stream: true }),
      onProgress,
      (error) =>
        signal?.aborted === true
          ? new AppError('conflict', `Pulling ${name} was cancelled.`)
          : this.pullFailure(name, error),
      signal,
    );
    if (last !== 'success') throw new AppError('unavailable', `Pulling ${name} ended without success (last: ${last}).`);
  }

  /** Follows a pull or create stream, reporting each line; returns the last status. */
  protected async follow(
    start: () => Promise<AsyncIterable<unknown> & { abort(): void }>,
    onProgress: (progress: PullProgress) => void,
    fail: (error: unknown) => AppError,
    signal: AbortSignal | undefined,
  ): Promise<string> {
    let stream: AsyncIterable<unknown> & { abort(): void };
    try {
      stream = await start();
    } catch (error) {
      throw fail(error);
    }
    const abort = () => stream.abort();
    signal?.addEventListener('abort', abort, { once: true });
    let last = '';
    try {
      for await (const raw of stream) {
        const progress = progressSchema.parse(raw);
        last = progress.status;
        onProgress({ status: progress.status, completed: progress.completed, total: progress.total });
      }
    } catch (error) {
      throw fail(error);
    } finally {
      signal?.removeEventListener('abort', abort);
    }
    return last;
  }

  private pullFailure(name: string, error: unknown): AppError {
    const message = messageOf(error);
    if (/file does not exist|not found|manifest unknown/i.test(message)) {
      return new AppError(
        'not_found',
        `Ollama has no model named ${name} (${message}).`,
        'Check the name on https://ollama.com/library, e.g. qwen2.5-coder:7b.',
      );
    }
    if (/fetch failed|ECONNREFUSED|ENOTFOUND/i.test(message)) return this.unreachable(error);
    return new AppError(
      'unavailable',
      `Pulling ${name} failed: ${message}.`,
      'Check the network and the disk space, then pull again.',
    );
  }

  /** Unloads a model from memory now (`keep_alive: 0`); the next request loads it again. */
  async unload(name: string): Promise<void> {
    try {
      await this.client.generate({ model: name, prompt: '', keep_alive: 0 });
    } catch (error) {
      const message = messageOf(error);
      if (/not found/i.test(message)) {
        throw new AppError(
          'not_found',
          `Ollama has no model named ${name}.`,
          'List the installed ones with `looplab models list`.',
        );
      }
      throw this.unreachable(error);
    }
  }
}
