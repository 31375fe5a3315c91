// The handlers behind "Use the result": an Ollama model from a run's artifact, and a reply of a model in
// the run page's "Try it" panel; and a model's probe, stored and run from the start form.
import type { HandlerDeps, Handlers } from './handlers';

export function modelHandlers({ modelTry, probes }: HandlerDeps) {
  return {
    'models.import': (input) => modelTry.importArtifact(input),
    'models.chat': (input) => modelTry.chat(input),
    'models.probes': () => probes.list(),
    'models.probe': ({ model }) => probes.probe(model),
  } satisfies Partial<Handlers>;
}
