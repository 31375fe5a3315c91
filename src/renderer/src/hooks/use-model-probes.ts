// Models' stored probe results for the start form, and probes run from it: the progress pushed by the
// main process while one runs, then its result (stored by then, so every window reads it again).
import { useCallback, useEffect, useState } from 'react';
import type { ErrorInfo } from '../../../shared/errors';
import type { ProbeList, ProbeProgress } from '../../../shared/model-probe';
import { getBridge, request } from '../bridge';
import { toErrorInfo } from '../error-info';

export interface ModelProbes {
  list: ProbeList | undefined;
  /** Probes under way, by model: the latest progress (none yet just after the click). */
  running: Record<string, ProbeProgress | null>;
  /** Why the last probe of a model failed to run. */
  errors: Record<string, ErrorInfo>;
  probe(model: string): Promise<void>;
}

export function useModelProbes(): ModelProbes {
  const [list, setList] = useState<ProbeList | undefined>(undefined);
  const [running, setRunning] = useState<Record<string, ProbeProgress | null>>({});
  const [errors, setErrors] = useState<Record<string, ErrorInfo>>({});

  const reload = useCallback(() => {
    request('models.probes', {}).then(setList, () => undefined);
  }, []);

  useEffect(() => {
    reload();
    return getBridge()?.subscribe('models.probe.progress', (progress) => {
      // Only probes this window started and still waits on (a late push must not bring one back).
      if (progress.checking === undefined) return;
      setRunning((current) => (progress.model in current ? { ...current, [progress.model]: progress } : current));
    });
  }, [reload]);

  const probe = useCallback(
    async (model: string) => {
      setRunning((current) => ({ ...current, [model]: null }));
      setErrors(({ [model]: _dropped, ...rest }) => rest);
      try {
        await request('models.probe', { model });
      } catch (error) {
        setErrors((current) => ({ ...current, [model]: toErrorInfo(error) }));
      } finally {
        setRunning(({ [model]: _done, ...rest }) => rest);
        reload();
      }
    },
    [reload],
  );

  return { list, running, errors, probe };
}
