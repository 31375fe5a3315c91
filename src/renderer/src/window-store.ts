// A value shared by the whole window that components read with `useSyncExternalStore`: pushes update
// it once, and only the components whose slice changed re-render.
export interface WindowStore<T> {
  get(): T;
  update(next: T): void;
  subscribe(listener: () => void): () => void;
}

export function createWindowStore<T>(initial: T): WindowStore<T> {
  let value = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => value,
    update: (next) => {
      if (next === value) return;
      value = next;
      for (const listener of listeners) listener();
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
