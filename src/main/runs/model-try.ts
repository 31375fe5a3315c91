// "Use the result" in the app: an Ollama model made from a run's artifact in the background (its progress
// pushed as models.progress, one import per name at a time), and a short conversation with a model
// through the same provider code the loop uses (no tools), its words pushed as they stream.
import type { ParsedInput, PushTypes, ResponseTypes } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { ProviderError } from '../core/model';
import type { ModelResolver } from './readiness';
import { importArtifact, type ArtifactImportDeps } from './model-import';

export interface ModelTry {
  importArtifact(input: ParsedInput<'models.import'>): ResponseTypes['models.import'];
  chat(input: ParsedInput<'models.chat'>): Promise<ResponseTypes['models.chat']>;
  /** Cancels imports and replies in flight (app shutdown). */
  close(): void;
}

export interface ModelTryDeps extends ArtifactImportDeps {
  models: () => ModelResolver;
  emit: {
    progress(progress: PushTypes['models.progress']): void;
    delta(delta: PushTypes['models.chat.delta']): void;
  };
}

const infoOf = (error: unknown) =>
  error instanceof AppError
    ? error.toInfo()
    : { code: 'internal' as const, message: error instanceof Error ? error.message : String(error) };

export function createModelTry(deps: ModelTryDeps): ModelTry {
  const working = new Map<string, AbortController>();
  const track = <T>(key: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    if (working.has(key)) throw new AppError('conflict', `${key} is already in progress.`);
    const controller = new AbortController();
    working.set(key, controller);
    return work(controller.signal).finally(() => working.delete(key));
  };
  return {
    importArtifact({ runId, path, name, base, force }) {
      const emit = deps.emit.progress;
      void track(`Importing ${name}`, (signal) =>
        importArtifact(deps, { runId, path, name, base, force, signal }, (progress) =>
          emit({ name, ...progress, done: false }),
        ),
      ).then(
        () => emit({ name, status: 'success', done: true }),
        (error: unknown) => emit({ name, status: 'failed', done: true, error: infoOf(error) }),
      );
      return { started: true, name };
    },
    chat({ model: name, chatId, messages }) {
      return track(`Reply ${chatId}`, async (signal) => {
        const { provider, model } = deps.models().resolve(name);
        let text = '';
        try {
          for await (const event of provider.stream({ model, messages, tools: [], signal })) {
            if (event.type !== 'text') continue;
            text += event.delta;
            deps.emit.delta({ chatId, text: event.delta });
          }
        } catch (error) {
          if (error instanceof ProviderError)
            throw new AppError('unavailable', `${name}: ${error.message}`, error.hint);
          throw error;
        }
        return { text };
      });
    },
    close() {
      for (const controller of working.values()) controller.abort();
    },
  };
}
