// The model a fork goes on with must be one that answers live: a recording's scripted model (the
// example run's `scripted/example-agent`) only hands out recorded replies and has nothing to say after
// them, so a fork names another model, or is refused with what to pick.
import { AppError } from '../../shared/errors';
import { isScriptedModel } from '../../shared/scripted-model';

/** The model a fork runs with, refused when it is a recording's scripted model. */
export function liveForkModel(requested: string | undefined, parentModel: string): string {
  const model = requested ?? parentModel;
  if (!isScriptedModel(model)) return model;
  throw new AppError(
    'invalid_input',
    `${model} is a recording’s scripted model: it replays what was recorded and cannot continue live.`,
    requested === undefined
      ? 'Name the model the fork goes on with (--model provider/model), e.g. the default model in Settings.'
      : 'Pick a model of yours (provider/model), e.g. the default model in Settings or one Ollama has installed.',
  );
}
