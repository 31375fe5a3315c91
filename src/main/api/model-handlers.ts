// The handlers behind "Use the result": an Ollama model from a run's artifact, and a reply of a model in
// the run page's "Try it" panel.
import type { HandlerDeps, Handlers } from './handlers';

export function modelHandlers({ modelTry }: HandlerDeps) {
  return {
    'models.import': (input) => modelTry.importArtifact(input),
    'models.chat': (input) => modelTry.chat(input),
  } satisfies Partial<Handlers>;
}
