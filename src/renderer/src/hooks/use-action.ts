// One request a button makes (stop, resume, start): whether it is under way and how it failed, shown
// where the button is.
import { useCallback, useState } from 'react';
import type { ErrorInfo } from '../../../shared/errors';
import { toErrorInfo } from '../error-info';

export interface Action<A extends unknown[], T> {
  busy: boolean;
  error: ErrorInfo | null;
  run: (...args: A) => Promise<T | undefined>;
  setError: (error: ErrorInfo | null) => void;
}

export function useAction<A extends unknown[], T>(perform: (...args: A) => Promise<T>): Action<A, T> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const run = useCallback(
    async (...args: A): Promise<T | undefined> => {
      setBusy(true);
      setError(null);
      try {
        return await perform(...args);
      } catch (failure) {
        setError(toErrorInfo(failure));
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [perform],
  );
  return { busy, error, run, setError };
}
