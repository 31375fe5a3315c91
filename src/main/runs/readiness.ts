// Before a run is recorded: its runtime can run here (Docker answers, the sandbox image is there), the
// model's server answers, the model exists and takes tool calls, and its context window is known (capped,
// since Ollama reserves GPU memory for all of it).
import { AppError } from '../../shared/errors';
import type { LoopConfig } from '../../shared/loop-config';
import { profileFor, type ModelProfile } from '../../shared/model-profiles';
import { BUILTIN_DEFAULT_MODEL, DEFAULT_CONTEXT_CAP } from '../../shared/settings';
import { ProviderError, type ModelInfo, type ModelProvider, type TokenUsage } from '../core/model';
import type { HomePaths } from '../home';
import { costOf } from '../providers/prices';
import { createProviders } from '../providers/registry';
import { checkHeldOut } from '../sandbox/evaluation';
import type { SecretStore } from '../settings/secret-store';
import { loadSettings } from '../settings/settings-store';
import type { RunDeps } from './run-deps';

export const DEFAULT_MODEL = BUILTIN_DEFAULT_MODEL;
export { DEFAULT_CONTEXT_CAP };

export interface ModelResolver {
  resolve(name: string): { provider: ModelProvider; model: string };
  /** The readiness check: throws a ProviderError saying what to do when the model cannot be used. */
  readiness(name: string, signal?: AbortSignal): Promise<ModelInfo>;
  price(name: string, usage: TokenUsage): number;
  /** The model's profile (built-in defaults under the person's settings); none: the server's defaults. */
  profile?(name: string): ModelProfile;
}

/**
 * Providers from the environment, else the data folder's settings.json and saved secrets, and prices
 * from settings.json, read now.
 */
export function modelResolver(
  paths: HomePaths,
  env: NodeJS.ProcessEnv = process.env,
  secrets?: SecretStore,
): ModelResolver {
  const { prices, providers: settings, modelProfiles } = loadSettings(paths);
  const providers = createProviders(env, {
    settings,
    ...(secrets === undefined ? {} : { secret: (name: string) => secrets.get(name) }),
  });
  return {
    ...providers,
    price: (name, usage) => costOf(name, usage, prices) ?? 0,
    profile: (name) => profileFor(name, { ...(modelProfiles && { modelProfiles }) }).profile,
  };
}

export interface ReadyModel {
  name: string;
  provider: ModelProvider;
  model: string;
  info: ModelInfo;
  profile?: ModelProfile;
}

/**
 * The model, checked ready, with its context window capped at `contextLength` (else its profile's, else
 * DEFAULT_CONTEXT_CAP). A length asked for beyond what the model takes cannot be had: `note` hears so.
 * A profile that sends tools as text needs no tool calling of the server.
 */
export async function readyModel(
  models: ModelResolver,
  name: string,
  contextLength?: number,
  note?: (line: string) => void,
): Promise<ReadyModel> {
  const { provider, model } = models.resolve(name);
  const profile = models.profile?.(name);
  let info: ModelInfo;
  try {
    const signal = AbortSignal.timeout(30_000);
    info = profile?.tools === 'text' ? await provider.check(model, signal) : await models.readiness(name, signal);
  } catch (error) {
    if (error instanceof ProviderError)
      throw new AppError('unavailable', `${name} is not ready: ${error.message}.`, error.hint);
    throw error;
  }
  if (contextLength !== undefined && contextLength > info.contextLength) {
    const most = info.contextLength.toLocaleString('en-US');
    note?.(
      `A context length of ${contextLength.toLocaleString('en-US')} tokens was asked for, but ${name} takes at most ${most}: the run uses ${most}.\n`,
    );
  }
  const cap = contextLength ?? profile?.contextLength ?? DEFAULT_CONTEXT_CAP;
  const ready = { name, provider, model, info: { ...info, contextLength: Math.min(info.contextLength, cap) } };
  return profile === undefined ? ready : { ...ready, profile };
}

/** Says clearly, before a run starts, when its sandbox cannot work here (no Docker, no image). */
export async function checkRuntime(deps: Pick<RunDeps, 'sandbox'>, config: LoopConfig): Promise<void> {
  if (config.runtime === 'host' && config.evaluation !== undefined) {
    throw new AppError(
      'invalid_input',
      'An evaluation gate needs the sandbox: on this machine the agent could read the held-out files.',
      'Run the spec in the sandbox (remove runtime: host from the spec).',
    );
  }
  if (config.runtime === 'host') return;
  if (config.evaluation !== undefined) checkHeldOut(config.evaluation.heldOut);
  try {
    await deps.sandbox.check();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const hint = `${error.hint ?? ''}${error.hint === undefined ? '' : ' '}Or run on this machine instead (--host-exec; every command then asks for approval).`;
    throw new AppError(error.code, `The sandbox cannot run: ${error.message}`, hint);
  }
}
