// A recording's scripted model (the example run's `scripted/example-agent`): it only hands out the
// replies a recording holds, so a run cannot go on live with it (a fork needs a model of the person's).
export const SCRIPTED_PROVIDER = 'scripted';

export function isScriptedModel(model: string): boolean {
  return model.startsWith(`${SCRIPTED_PROVIDER}/`);
}
