// The Ollama models made from each run's artifacts in this window, newest last, so the run page's
// "Try it" panel appears once an import has succeeded.
import { useSyncExternalStore } from 'react';

const byRun = new Map<string, readonly string[]>();
const listeners = new Set<() => void>();
const none: readonly string[] = [];

export function rememberImport(runId: string, model: string): void {
  const models = (byRun.get(runId) ?? none).filter((name) => name !== model);
  byRun.set(runId, [...models, model]);
  for (const listener of listeners) listener();
}

export function useImportedModels(runId: string): readonly string[] {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => byRun.get(runId) ?? none,
  );
}
