// What an artifact folder becomes in Ollama: a LoRA adapter in safetensors (`adapter_config.json` and
// `adapter_model.safetensors`) goes on top of an Ollama base model (Modelfile `FROM <base>` + `ADAPTER`),
// and merged safetensors weights (`config.json` and `*.safetensors`) become a model of their own
// (`FROM <folder>`). The folder is read inside the run's workspace without following a link.
import { createReadStream, readdirSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { InsideError, openFileInside, openFolderInside, readTextInside } from '../fs/open-inside';

export interface ImportFile {
  /** The file's name as Ollama sees it (inside the folder). */
  name: string;
  /** Its workspace-relative path. */
  path: string;
  /** Its bytes, read from a descriptor opened without following a link. */
  open(): { stream: Readable; size: number };
}

export type ImportPlan =
  | { kind: 'adapter'; folder: string; base: string; files: ImportFile[] }
  | { kind: 'merged'; folder: string; files: ImportFile[] };

/**
 * Hugging Face bases whose LoRA adapters Ollama converts (its adapter converters cover Llama, Mistral
 * and Gemma 2), with the Ollama model each one goes on top of.
 */
const knownBases: ReadonlyArray<readonly [RegExp, string]> = [
  [/llama-3\.2-1b/i, 'llama3.2:1b'],
  [/llama-3\.2-3b/i, 'llama3.2:3b'],
  [/llama-3\.1-8b/i, 'llama3.1:8b'],
  [/llama-3-8b/i, 'llama3:8b'],
  [/mistral-7b/i, 'mistral:7b'],
  [/gemma-2-2b/i, 'gemma2:2b'],
  [/gemma-2-9b/i, 'gemma2:9b'],
  [/gemma-2-27b/i, 'gemma2:27b'],
];

/** The Ollama model a Hugging Face base id maps to, or undefined for a base Ollama has no adapters for. */
export function ollamaBaseFor(huggingFaceId: string): string | undefined {
  return knownBases.find(([pattern]) => pattern.test(huggingFaceId))?.[1];
}

const adapterConfigSchema = z.object({ base_model_name_or_path: z.string().optional() }).passthrough();

/** The files of a merged model that Ollama's converter reads. */
const mergedFile = (name: string) =>
  name.endsWith('.safetensors') || name.endsWith('.json') || name === 'tokenizer.model';

function notFound(folder: string): AppError {
  return new AppError(
    'not_found',
    `${folder} is not in the run's workspace.`,
    'Give a folder path relative to the workspace, as the jobs panel lists it (e.g. outputs/adapter).',
  );
}

/**
 * The plain files of a workspace folder, refusing `..`, absolute paths and links on the way; undefined
 * when the path is a file.
 */
function listFolder(workspace: string, folder: string): string[] | undefined {
  let opened;
  try {
    opened = openFolderInside(workspace, folder);
  } catch (error) {
    if (error instanceof InsideError && error.code === 'ENOENT') throw notFound(folder);
    if (error instanceof InsideError && error.code === 'ENOTDIR') return undefined;
    if (error instanceof InsideError) {
      throw new AppError('invalid_input', `${folder}: ${error.message}`, 'Give a folder inside the run’s workspace.');
    }
    throw error;
  }
  try {
    return readdirSync(opened.location, { withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name)
      .sort();
  } finally {
    opened.close();
  }
}

function adapterBase(workspace: string, folder: string, given: string | undefined): string {
  if (given !== undefined && given.trim() !== '') return given.trim().replace(/^ollama\//, '');
  let config: z.infer<typeof adapterConfigSchema>;
  try {
    config = adapterConfigSchema.parse(JSON.parse(readTextInside(workspace, `${folder}/adapter_config.json`)));
  } catch {
    throw new AppError('invalid_input', `${folder}/adapter_config.json is not a PEFT adapter config.`);
  }
  const hub = config.base_model_name_or_path ?? '';
  const base = ollamaBaseFor(hub);
  if (base !== undefined) return base;
  throw new AppError(
    'invalid_input',
    `The adapter in ${folder} was trained on ${hub === '' ? 'an unnamed base' : hub}, which has no Ollama base Looplab knows.`,
    'Ollama takes adapters of Llama, Mistral and Gemma 2 bases: name the Ollama base with --base (e.g. --base llama3.2:1b), or merge the adapter into its base (merge_and_unload, save_pretrained) and import that folder.',
  );
}

/**
 * Reads the artifact at a workspace-relative path (a folder, or a file inside one) and says how Ollama
 * takes it. `base` overrides the base the adapter config names.
 */
export function planImport(workspace: string, artifactPath: string, base?: string): ImportPlan {
  const trimmed = artifactPath.replace(/^\.\//, '').replace(/\/+$/, '');
  let folder = trimmed;
  let names = listFolder(workspace, folder);
  if (names === undefined && folder.includes('/')) {
    // A file of the folder (the jobs panel lists files): its folder.
    folder = folder.slice(0, folder.lastIndexOf('/'));
    names = listFolder(workspace, folder);
  }
  if (names === undefined) throw notFound(folder);
  const file = (name: string): ImportFile => ({
    name,
    path: `${folder}/${name}`,
    open: () => {
      const opened = openFileInside(workspace, `${folder}/${name}`);
      return { stream: createReadStream('', { fd: opened.fd, autoClose: true }), size: opened.size };
    },
  });
  if (names.includes('adapter_config.json') && names.includes('adapter_model.safetensors')) {
    return {
      kind: 'adapter',
      folder,
      base: adapterBase(workspace, folder, base),
      files: ['adapter_config.json', 'adapter_model.safetensors'].map(file),
    };
  }
  if (names.includes('config.json') && names.some((name) => name.endsWith('.safetensors'))) {
    return { kind: 'merged', folder, files: names.filter(mergedFile).map(file) };
  }
  throw new AppError(
    'invalid_input',
    `${folder} is neither a LoRA adapter nor a safetensors model.`,
    names.includes('adapter_model.bin')
      ? 'The adapter was saved as .bin: save it with save_pretrained(..., safe_serialization=True).'
      : 'Import a folder with adapter_config.json and adapter_model.safetensors (an adapter), or config.json and *.safetensors (merged weights).',
  );
}
