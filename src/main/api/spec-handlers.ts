// The handlers of saved loop specs: list them, save a run as one, run one.
import type { SpecInfo } from '../../shared/contract';
import { defaultModel } from '../settings/run-defaults';
import { loadSettings } from '../settings/settings-store';
import { listSpecs, specDirs, type SavedSpec } from '../specs/loop-spec';
import { saveRunAsSpec } from '../specs/run-spec';
import type { HandlerDeps, Handlers } from './handlers';

export function specHandlers({ info, paths, store, snapshots, runs }: HandlerDeps) {
  return {
    'specs.list': () => listSpecs(specDirs(info.home)).map(specInfo),
    'specs.save': ({ runId, name, overwrite }) =>
      saveRunAsSpec({ paths, store, snapshots }, runId, name, { overwrite }),
    'specs.run': ({ spec, params, model, parent }) => {
      const defaults = loadSettings(paths);
      return runs.startSpec({
        spec,
        params,
        model,
        parent,
        defaultModel: defaultModel(defaults),
        defaultRules: defaults.rules,
        defaultMcpServers: defaults.mcpServers,
      });
    },
  } satisfies Partial<Handlers>;
}

function specInfo(saved: SavedSpec): SpecInfo {
  const { spec } = saved;
  return {
    name: saved.name,
    description: saved.description,
    file: saved.file,
    params: Object.entries(spec?.params ?? {}).map(([name, param]) => ({
      name,
      default: param.default,
      description: param.description,
    })),
    metric: spec?.evaluation?.metric,
    target: spec?.evaluation?.target,
    ...(saved.error === undefined ? {} : { error: saved.error }),
  };
}
