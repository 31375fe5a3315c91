// Probes in the app: the stored results, and a probe run from the start form (one per model at a time),
// its progress pushed as models.probe.progress and its result stored before it is answered.
import type { ProbeList, ProbeProgress, ProbeReport } from '../../shared/model-probe';
import { AppError } from '../../shared/errors';
import type { HomePaths } from '../home';
import { probeModel } from './model-probe';
import { readProbes, saveProbe } from './model-probe-store';
import { probeChecks } from './model-probe-checks';
import type { ModelResolver } from './readiness';

export interface ModelProbes {
  list(): ProbeList;
  probe(model: string): Promise<ProbeReport>;
  /** Cancels the probes in flight (app shutdown). */
  close(): void;
}

export interface ModelProbesDeps {
  paths: Pick<HomePaths, 'root'>;
  models: () => ModelResolver;
  emit(progress: ProbeProgress): void;
}

export function createModelProbes({ paths, models, emit }: ModelProbesDeps): ModelProbes {
  const working = new Map<string, AbortController>();
  return {
    list: () => readProbes(paths),
    async probe(model) {
      if (working.has(model)) throw new AppError('conflict', `${model} is already being probed.`);
      const controller = new AbortController();
      working.set(model, controller);
      try {
        const total = probeChecks.length;
        const report = await probeModel(models(), model, {
          signal: controller.signal,
          onProgress: (done, checking) => emit({ model, done, total, checking }),
        });
        saveProbe(paths, report);
        return report;
      } finally {
        working.delete(model);
      }
    },
    close() {
      for (const controller of working.values()) controller.abort();
    },
  };
}
