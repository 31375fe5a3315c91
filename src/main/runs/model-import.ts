// An Ollama model from a run's artifact, as the command line and the app ask for it: the run must
// exist, the path must lie inside its workspace, and the folder must be an adapter or merged weights.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/errors';
import { OllamaCreator, type CreateProgress } from '../providers/ollama-create';
import { planImport, type ImportPlan } from '../sandbox/artifact-folder';

export interface ArtifactImportDeps {
  store: { getRun(runId: string): unknown };
  /** The folder holding each run's workspace. */
  workspaces: string;
  /** Ollama's address; defaults to OLLAMA_HOST. */
  host?: string;
}

export interface ArtifactImport {
  runId: string;
  /** Workspace-relative: a folder, or a file inside it. */
  path: string;
  name: string;
  base?: string;
  force?: boolean;
  signal?: AbortSignal;
}

/** Creates the model; resolves with the plan it followed once Ollama says success. */
export async function importArtifact(
  deps: ArtifactImportDeps,
  request: ArtifactImport,
  onProgress: (progress: CreateProgress) => void,
): Promise<ImportPlan> {
  if (deps.store.getRun(request.runId) === undefined) {
    throw new AppError('not_found', `There is no run ${request.runId}.`, 'List runs with `looplab list`.');
  }
  const workspace = join(deps.workspaces, request.runId);
  if (!existsSync(workspace)) {
    throw new AppError('not_found', `${request.runId} has no workspace on this machine.`);
  }
  const name = request.name.trim().replace(/^ollama\//, '');
  if (!/^[a-zA-Z0-9][a-zA-Z0-9._-]*(:[a-zA-Z0-9._-]+)?$/.test(name)) {
    throw new AppError(
      'invalid_input',
      `"${request.name}" is not a model name Ollama takes.`,
      'Use letters, digits, dots, dashes and underscores, with an optional :tag (e.g. tickets-lora:v1).',
    );
  }
  const plan = planImport(workspace, request.path, request.base);
  await new OllamaCreator(deps.host).create(plan, name, onProgress, {
    force: request.force,
    signal: request.signal,
  });
  return plan;
}
