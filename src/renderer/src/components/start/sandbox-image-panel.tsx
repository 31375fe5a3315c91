// Above the start form when the sandbox image is not built: what it is for, the recipe to build it from,
// and a button that builds it here, with the build's step as a progress bar and its last output lines;
// then that it is ready, or what failed and what to do.
import { useLayoutEffect, useRef, useState } from 'react';
import { imageRecipes, type ImageBuildProgress, type ImageRecipe } from '../../../../shared/sandbox-image';
import { AnsiText } from '../common/ansi-text';
import { ErrorBox } from '../common/error-box';
import type { SandboxImage } from './use-sandbox-image';
import './sandbox-image.css';

const recipeLabels: Record<ImageRecipe, { title: string; detail: string }> = {
  online: { title: 'Online', detail: 'numpy, pandas, scikit-learn, PyTorch, transformers from PyPI; needs internet' },
  offline: { title: 'Offline', detail: "Debian's numpy, pandas and scikit-learn; needs only a Debian mirror" },
  cuda: { title: 'CUDA', detail: 'for NVIDIA GPUs, with PyTorch for CUDA; needs internet' },
};

/** The build's last lines, kept scrolled to the newest. */
function BuildLines({ lines }: { lines: string[] }) {
  const ref = useRef<HTMLPreElement>(null);
  useLayoutEffect(() => {
    if (ref.current !== null) ref.current.scrollTop = ref.current.scrollHeight;
  }, [lines]);
  return (
    <pre ref={ref} className="sandbox-build-lines mono" data-testid="sandbox-build-lines">
      <AnsiText text={lines.join('\n')} />
    </pre>
  );
}

function RecipeChoice({
  value,
  onChange,
  disabled,
}: {
  value: ImageRecipe;
  onChange: (recipe: ImageRecipe) => void;
  disabled: boolean;
}) {
  return (
    <fieldset className="sandbox-recipes" disabled={disabled}>
      <legend className="field-label">Recipe</legend>
      {imageRecipes.map((name) => (
        <label key={name} className="check">
          <input
            type="radio"
            name="sandbox-recipe"
            data-testid={`recipe-${name}`}
            checked={value === name}
            onChange={() => onChange(name)}
          />
          <span>
            {recipeLabels[name].title} <span className="muted">— {recipeLabels[name].detail}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

/** The build's step as a progress bar: its index of the total, and what it does. */
function BuildProgress({ recipe, step }: { recipe: ImageRecipe; step: ImageBuildProgress['step'] }) {
  return (
    <div className="sandbox-build-progress">
      <span>
        {step === undefined ? `Starting the ${recipe} build…` : `Step ${step.index} of ${step.total}: ${step.text}`}
      </span>
      <progress
        data-testid="sandbox-build-progress"
        max={step?.total ?? 1}
        value={step === undefined ? undefined : step.index - 1}
      />
    </div>
  );
}

export function SandboxImagePanel({ image }: { image: SandboxImage }) {
  const [recipe, setRecipe] = useState<ImageRecipe>('online');
  const { status, build } = image;
  if (status === undefined) return null;
  const building = build !== undefined && !build.done;
  const failed = build?.done === true ? build.error : undefined;
  const finished = build?.done === true && failed === undefined && status.state === 'ready';
  if (status.state !== 'missing' && !building && !finished) return null;
  if (finished)
    return (
      <section className="sandbox-image" data-testid="sandbox-image" data-state="ready">
        <p>
          <span className="mono">{status.image}</span> is built: runs can start.
        </p>
      </section>
    );
  return (
    <section className="sandbox-image" data-testid="sandbox-image" data-state={building ? 'building' : 'missing'}>
      <h3 className="sandbox-image-title">The sandbox image is not built yet</h3>
      <p className="muted">
        Runs execute the agent’s commands in Docker, in <span className="mono">{status.image}</span>. Build it once here
        (a few minutes; <span className="mono">looplab sandbox build</span> does the same).
      </p>
      <RecipeChoice value={recipe} onChange={setRecipe} disabled={building} />
      {building && <BuildProgress recipe={build.recipe} step={build.step} />}
      {build !== undefined && build.lines.length > 0 && (building || failed !== undefined) && (
        <BuildLines lines={build.lines} />
      )}
      {failed !== undefined && <ErrorBox error={failed} testId="sandbox-build-error" />}
      <div className="button-row">
        <button
          type="button"
          className="button"
          data-testid="sandbox-build"
          disabled={building}
          onClick={() => void image.start(recipe)}
        >
          {building ? 'Building…' : failed !== undefined ? 'Try again' : 'Build the sandbox image'}
        </button>
      </div>
    </section>
  );
}
