// What a publish will send, worked out before anyone is asked: the files under the paths given (inside
// the run's workspace, never through a link: fs/open-inside.ts), each with its size and its path in the
// repo (a folder's files at their place under it, a file at its name), the card the harness writes from
// the run's events, and the run's export where asked. The approval shows it; the upload sends exactly it.
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync } from 'node:fs';
import { extname } from 'node:path';
import { AppError } from '../../shared/errors';
import type { RunEvent } from '../../shared/events';
import { InsideError, openFileInside, openFolderInside, readTextInside } from '../fs/open-inside';
import { renderCard, type PublishKind } from './model-card';
import { runFacts, type DataFact, type RunFacts } from './model-card-facts';

export interface PublishRequest {
  kind: PublishKind;
  repo: string;
  /** Files or folders, relative to the run's workspace. */
  paths: readonly string[];
  private: boolean;
  message?: string;
  /** Attach the run's export (secrets removed) so anyone can replay how the files were made. */
  includeRun: boolean;
}

export interface PlannedFile {
  /** Its path in the repo. */
  path: string;
  /** Its path in the run's workspace; undefined for what Looplab writes (the card, the export). */
  source?: string;
  bytes: number;
  /** What Looplab writes, sent as is. */
  content?: Uint8Array;
}

export interface PublishPlan {
  request: PublishRequest;
  runId: string;
  files: PlannedFile[];
  card: string;
}

export interface PlanSources {
  runId: string;
  workspaceFolder: string;
  events: readonly RunEvent[];
  version: string;
  /** The run's export, when the request includes it. */
  runExport?: () => { fileName: string; bytes: Uint8Array };
}

const MAX_FILES = 2000;
const TABLES = new Set(['.csv', '.tsv', '.jsonl', '.json', '.parquet']);
const HUB_ID = /^[\w.-]+\/[\w.-]+$/;
const MODEL_FLAG =
  /--(?:model_name_or_path|base_model|base-model|model-name|model_name|model)[= ]['"]?([\w.-]+\/[\w.-]+)/;

function refusal(message: string, hint?: string): AppError {
  return new AppError('invalid_input', message, hint);
}

/** Turns an open-inside refusal into one a person reads, naming the path as given. */
function insideRefusal(error: unknown, path: string): unknown {
  if (!(error instanceof InsideError)) return error;
  if (error.code === 'ENOENT') return refusal(`${path} is not in the run's workspace.`);
  if (error.code === 'ELOOP' || error.code === 'EOUTSIDE' || error.code === 'EINVAL')
    return refusal(
      `${path} is outside the run's workspace or goes through a link, so Looplab will not publish it.`,
      'Give paths inside the workspace, such as outputs/model.',
    );
  return refusal(`${path} cannot be published: ${error.message}`);
}

/** Every plain file under `inside` (a file or a folder), with its size; links are refused. */
function walk(root: string, inside: string, shown: string): { inside: string; under: string; bytes: number }[] {
  try {
    const file = openFileInside(root, inside, 'read');
    file.close();
    return [{ inside, under: inside.split('/').at(-1)!, bytes: file.size }];
  } catch (error) {
    if (!(error instanceof InsideError && error.code === 'EISDIR')) throw insideRefusal(error, shown);
  }
  const found: { inside: string; under: string; bytes: number }[] = [];
  const visit = (folderPath: string, under: string) => {
    const folder = openFolderInside(root, folderPath);
    let entries;
    try {
      entries = readdirSync(folder.location, { withFileTypes: true });
    } finally {
      folder.close();
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const child = `${folderPath}/${entry.name}`;
      const childUnder = under === '' ? entry.name : `${under}/${entry.name}`;
      if (entry.isSymbolicLink())
        throw refusal(`${shown}/${childUnder} is a link, so Looplab will not publish it (a link may lead anywhere).`);
      if (entry.isDirectory()) visit(child, childUnder);
      else if (entry.isFile()) {
        const file = openFileInside(root, child, 'read');
        file.close();
        found.push({ inside: child, under: childUnder, bytes: file.size });
      }
      if (found.length > MAX_FILES)
        throw refusal(`${shown} holds more than ${MAX_FILES} files; publish a smaller folder.`);
    }
  };
  try {
    visit(inside, '');
  } catch (error) {
    throw insideRefusal(error, shown);
  }
  return found;
}

/** The workspace files a request names, at their paths in the repo. */
export function plannedFiles(workspaceFolder: string, paths: readonly string[]): PlannedFile[] {
  const files = new Map<string, PlannedFile>();
  for (const given of paths) {
    const inside = given.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
    for (const found of walk(workspaceFolder, inside, given)) {
      const earlier = files.get(found.under);
      if (earlier !== undefined && earlier.source !== found.inside)
        throw refusal(`${earlier.source} and ${found.inside} would both be ${found.under} in the repo.`);
      if (found.under === 'README.md')
        throw refusal(
          `${found.inside} would replace the card: Looplab writes README.md from the run's record.`,
          'Leave README.md out of the paths.',
        );
      files.set(found.under, { path: found.under, source: found.inside, bytes: found.bytes });
    }
  }
  if (files.size === 0) throw refusal('There is nothing to publish: the paths hold no files.');
  return [...files.values()];
}

/** The sha256 and size of a workspace file, read through a descriptor opened inside the workspace. */
export async function hashInside(workspaceFolder: string, path: string): Promise<{ sha256: string; bytes: number }> {
  const file = openFileInside(workspaceFolder, path, 'read');
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream('', { fd: file.fd, autoClose: false, start: 0 }))
      hash.update(chunk as Buffer);
  } finally {
    file.close();
  }
  return { sha256: hash.digest('hex'), bytes: file.size };
}

async function withHashes(workspaceFolder: string, data: readonly DataFact[]): Promise<DataFact[]> {
  return Promise.all(
    data.map(async (fact) => {
      try {
        return { ...fact, ...(await hashInside(workspaceFolder, fact.path)) };
      } catch {
        return fact;
      }
    }),
  );
}

function jsonField(workspaceFolder: string, path: string, field: string): string | undefined {
  try {
    const value = (JSON.parse(readTextInside(workspaceFolder, path)) as Record<string, unknown>)[field];
    return typeof value === 'string' && HUB_ID.test(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The model trained from: the files' own configs first, then the training command, then the one model fetched. */
function baseModelOf(workspaceFolder: string, files: readonly PlannedFile[], facts: RunFacts) {
  for (const [name, field, library] of [
    ['adapter_config.json', 'base_model_name_or_path', 'peft'],
    ['config.json', '_name_or_path', 'transformers'],
  ] as const) {
    const file = files.find((candidate) => candidate.path.split('/').at(-1) === name);
    const id = file?.source === undefined ? undefined : jsonField(workspaceFolder, file.source, field);
    if (id !== undefined) return { baseModel: { id, source: file!.source! }, libraryName: library };
    if (file !== undefined) return { libraryName: library };
  }
  for (const job of facts.training) {
    const match = MODEL_FLAG.exec(job.command);
    if (match !== null) return { baseModel: { id: match[1]!, source: 'the training command' } };
  }
  const [only, ...more] = facts.fetched.model;
  if (only !== undefined && more.length === 0) return { baseModel: { id: only, source: 'the model the run fetched' } };
  return {};
}

/** The plan of a publish: the files, the card, and the export where asked. */
export async function planPublish(request: PublishRequest, sources: PlanSources): Promise<PublishPlan> {
  const files = plannedFiles(sources.workspaceFolder, request.paths);
  const parsed = runFacts(sources.events);
  const facts = { ...parsed, runId: sources.runId, data: await withHashes(sources.workspaceFolder, parsed.data) };
  const extra: PlannedFile[] = [];
  if (request.includeRun && sources.runExport !== undefined) {
    const exported = sources.runExport();
    extra.push({ path: `looplab/${exported.fileName}`, bytes: exported.bytes.length, content: exported.bytes });
  }
  const card = renderCard({
    kind: request.kind,
    repo: request.repo,
    facts,
    ...baseModelOf(sources.workspaceFolder, files, facts),
    files: [...files, ...extra],
    version: sources.version,
    ...(extra[0] === undefined ? {} : { runExport: extra[0].path }),
    dataFiles: files.filter((file) => TABLES.has(extname(file.path).toLowerCase())).map((file) => file.path),
  });
  const readme = Buffer.from(card);
  return {
    request,
    runId: sources.runId,
    files: [...files, ...extra, { path: 'README.md', bytes: readme.length, content: readme }],
    card,
  };
}
