// What a local Ollama has installed, for the start form's model picker, and pulls with their progress
// (pushed by the main process to every window); the list is read again once a pull succeeds.
import { useCallback, useEffect, useState } from 'react';
import type { ModelList, PushTypes } from '../../../shared/contract';
import { getBridge, request } from '../bridge';

export type PullState = PushTypes['models.progress'];

export interface LocalModels {
  list: ModelList | undefined;
  /** The latest progress of each pull, by model name (without `ollama/`). */
  pulls: Record<string, PullState>;
  pull(name: string): Promise<void>;
}

export function useLocalModels(): LocalModels {
  const [list, setList] = useState<ModelList | undefined>(undefined);
  const [pulls, setPulls] = useState<Record<string, PullState>>({});

  const reload = useCallback(() => {
    request('models.list', {}).then(setList, () => undefined);
  }, []);

  useEffect(() => {
    reload();
    const bridge = getBridge();
    return bridge?.subscribe('models.progress', (progress) => {
      setPulls((current) => ({ ...current, [progress.name]: progress }));
      if (progress.done && progress.error === undefined) reload();
    });
  }, [reload]);

  const pull = useCallback(async (name: string) => {
    const bare = name.replace(/^ollama\//, '');
    setPulls((current) => ({ ...current, [bare]: { name: bare, status: 'starting', done: false } }));
    try {
      await request('models.pull', { name: bare });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      setPulls((current) => ({
        ...current,
        [bare]: { name: bare, status: 'failed', done: true, error: { code: 'internal', message } },
      }));
    }
  }, []);

  return { list, pulls, pull };
}
