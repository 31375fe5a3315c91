// Under the start form's model field: what the chosen local model is (context window, tools, loaded),
// or that Ollama does not have it, with a button to pull it and the pull's progress.
import type { InstalledModel, ModelList } from '../../../../shared/contract';
import { formatSize } from '../../../../shared/format';
import type { PullState } from '../../hooks/use-local-models';

interface ModelStatusProps {
  model: string;
  list: ModelList | undefined;
  pulls: Record<string, PullState>;
  onPull: (name: string) => void;
}

function describe(model: InstalledModel): string {
  return [
    model.parameterSize,
    formatSize(model.sizeBytes),
    `${Math.round(model.contextLength / 1024)}k context`,
    model.supportsTools ? 'takes tools' : 'does not take tools',
    model.loaded ? 'loaded' : undefined,
  ]
    .filter((part) => part !== undefined)
    .join(' · ');
}

export function ModelStatus({ model, list, pulls, onPull }: ModelStatusProps) {
  if (list === undefined || !model.startsWith('ollama/')) return null;
  const name = model.slice('ollama/'.length);
  const pull = pulls[name];
  if (pull !== undefined && !pull.done) {
    const percent =
      pull.total !== undefined && pull.total > 0 && pull.completed !== undefined
        ? Math.floor((pull.completed / pull.total) * 100)
        : undefined;
    return (
      <div className="model-status" data-testid="model-status" data-state="pulling">
        <span>
          Pulling {name}: {pull.status}
          {percent === undefined ? '' : ` ${percent}%`}
        </span>
        <progress max={100} value={percent} data-testid="pull-progress" />
      </div>
    );
  }
  if (list.ollama.error !== undefined) {
    return (
      <p className="model-status muted" data-testid="model-status" data-state="no-ollama">
        {list.ollama.error.message} {list.ollama.error.hint}
      </p>
    );
  }
  const installed = list.ollama.models.find(
    (candidate) => candidate.id === model || candidate.id === `${model}:latest`,
  );
  if (installed !== undefined) {
    return (
      <p className="model-status muted" data-testid="model-status" data-state="installed">
        {describe(installed)}
      </p>
    );
  }
  return (
    <div className="model-status" data-testid="model-status" data-state="missing">
      <span>
        Ollama at {list.ollama.host} does not have {name}.
        {pull?.error !== undefined ? ` The last pull failed: ${pull.error.message}` : ''}
      </span>
      <button type="button" className="button" data-testid="pull-model" onClick={() => onPull(name)}>
        Pull {name}
      </button>
    </div>
  );
}
