// The UI's view of local models: what Ollama has installed (or why it cannot say), and pulls that run in
// the background, their progress pushed to every window; one pull per model at a time.
import type { ModelList, PushTypes } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { OllamaModels } from '../providers/ollama-models';

export interface ModelService {
  list(): Promise<ModelList>;
  pull(name: string): { started: true };
  /** Cancels pulls in flight (app shutdown). */
  close(): void;
}

export function createModelService(emit: (progress: PushTypes['models.progress']) => void): ModelService {
  const pulls = new Map<string, AbortController>();
  return {
    async list() {
      const ollama = new OllamaModels();
      try {
        const models = await ollama.list();
        return {
          ollama: {
            host: ollama.host,
            models: models.map((model) => ({
              id: model.id,
              sizeBytes: model.sizeBytes,
              parameterSize: model.parameterSize,
              contextLength: model.contextLength,
              supportsTools: model.supportsTools,
              loaded: model.loadedVramBytes !== undefined,
            })),
          },
        };
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        return { ollama: { host: ollama.host, models: [], error: error.toInfo() } };
      }
    },
    pull(raw) {
      const name = raw.replace(/^ollama\//, '');
      if (pulls.has(name)) throw new AppError('conflict', `${name} is already being pulled.`);
      const controller = new AbortController();
      pulls.set(name, controller);
      void new OllamaModels()
        .pull(name, (progress) => emit({ name, ...progress, done: false }), controller.signal)
        .then(
          () => emit({ name, status: 'success', done: true }),
          (error: unknown) =>
            emit({
              name,
              status: 'failed',
              done: true,
              error:
                error instanceof AppError
                  ? error.toInfo()
                  : { code: 'internal', message: error instanceof Error ? error.message : String(error) },
            }),
        )
        .finally(() => pulls.delete(name));
      return { started: true };
    },
    close() {
      for (const controller of pulls.values()) controller.abort();
    },
  };
}
