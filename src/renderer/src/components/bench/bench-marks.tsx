// The small marks the bench view repeats: a model's name (labelled when it is a scripted agent) and a
// medal, drawn as a coloured disc with its name so that it reads the same with or without emoji fonts.
import { MEDAL_MARKS, type Medal } from '../../../../shared/bench';
import { isScripted } from './bench-text';
import './bench-marks.css';

export function ModelName({ model }: { model: string }) {
  return (
    <span className="bench-model" title={model}>
      <span className="bench-model-name">{model}</span>
      {isScripted(model) && (
        <span
          className="status-badge bench-scripted"
          data-testid="bench-scripted"
          title="A scripted agent: it plays the task's reference solution, no model is asked. It shows what the medals look like."
        >
          scripted
        </span>
      )}
    </span>
  );
}

export function MedalMark({ medal, title }: { medal: Medal | null; title?: string }) {
  if (medal === null) {
    return (
      <span
        className="bench-medal bench-medal-none"
        data-testid="bench-medal"
        data-medal="none"
        title={title ?? 'No medal'}
      >
        —
      </span>
    );
  }
  return (
    <span
      className={`bench-medal bench-medal-${medal}`}
      data-testid="bench-medal"
      data-medal={medal}
      title={title ?? `${MEDAL_MARKS[medal]} ${medal}`}
    >
      <span className="bench-medal-disc" aria-hidden="true" />
      {medal}
    </span>
  );
}
