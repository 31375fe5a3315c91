// The handlers behind the settings screen: settings and saved secrets, the data folder's size, a
// provider's test call, a compute target's check, a local Ollama's models, and the sandbox image.
import { readyModel } from '../runs/readiness';
import { storageUsage } from '../settings/storage-usage';
import type { HandlerDeps, Handlers } from './handlers';

export function settingsHandlers(deps: HandlerDeps) {
  const { settings, paths, store, lifecycle, models, localModels, images, checkTarget } = deps;
  return {
    'settings.get': () => settings.view(),
    'settings.update': (patch) => settings.update(patch),
    'secrets.set': ({ name, value }) => settings.setSecret(name, value),
    'secrets.clear': ({ name }) => settings.clearSecret(name),
    'storage.usage': () =>
      storageUsage(paths, () => {
        const sizes = lifecycle.sizes();
        return store
          .listRuns({ limit: 1_000_000 })
          .map((run) => ({ id: run.id, goal: run.goal, status: run.status, bytes: sizes.get(run.id) ?? 0 }))
          .sort((a, b) => b.bytes - a.bytes)
          .slice(0, 20);
      }),
    'providers.test': async ({ model }) => {
      const ready = await readyModel(models(), model);
      return { model: ready.name, contextLength: ready.info.contextLength };
    },
    'targets.check': ({ name }) => checkTarget(name),
    'models.list': () => localModels.list(),
    'models.pull': ({ name }) => localModels.pull(name),
    'sandbox.status': () => images.status(),
    'sandbox.build': ({ recipe }) => images.build(recipe),
  } satisfies Partial<Handlers>;
}
