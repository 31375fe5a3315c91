// Saving a past run as a loop spec, the same for the CLI and the app: the spec keeps what the run
// started with — its workspace as the harness captured it before the first step (the data), copied into
// the spec's own folder with each file's sha256, its parameters with their values as defaults, its
// rules, budgets, network, model and evaluation (held-out files copied too when the run was recorded
// here) — so that running the spec again starts where the run started. A run from elsewhere gives
// only what is inside its own snapshot: never a path it recorded on another machine.
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { stringify } from 'yaml';
import { AppError } from '../../shared/errors';
import type { RunEvent } from '../../shared/events';
import type { LoopConfig } from '../../shared/loop-config';
import type { HomePaths } from '../home';
import type { EventStore } from '../store/event-store';
import { restoreWorkspace } from '../store/workspace-snapshot';
import type { WorkspaceSnapshots } from '../store/workspace-snapshots';
import {
  findSpec,
  listSpecs,
  loopSpecSchema,
  readLoopSpec,
  sha256Of,
  specDirs,
  specFromRun,
  specNameProblem,
  specsDir,
  type LoopSpec,
} from './loop-spec';
import { PLACEHOLDER, wholeParam } from './spec-paths';

/** What saving a run as a spec needs of the app: the data folder, the store and the workspace snapshots. */
export interface SpecDeps {
  paths: HomePaths;
  store: EventStore;
  snapshots: WorkspaceSnapshots;
}

export interface SavedRunSpec {
  name: string;
  /** The spec's loop.yaml, in its own folder beside its data. */
  file: string;
  /** What could not be kept, in words. */
  notices: string[];
}

const DATA = 'data';
const HELD_OUT = 'heldout';
const RESTORED = '.start';
/** Names of the spec's own folder that the data cannot take. */
const RESERVED = new Set(['loop.yaml', DATA, HELD_OUT, RESTORED]);

/** Saves a run as the spec `name` (a folder in the data folder's specs); refuses a taken name unless `overwrite`. */
export async function saveRunAsSpec(
  app: SpecDeps,
  runId: string,
  name: string,
  options: { overwrite?: boolean } = {},
): Promise<SavedRunSpec> {
  const problem = specNameProblem(name);
  if (problem !== undefined) throw new AppError('invalid_input', problem, 'Give another name.');
  app.store.requireRun(runId);
  const events = app.store.loadEvents(runId);
  const root = specsDir(app.paths.root);
  const taken = takenPaths(root, name);
  if (taken.length > 0 && options.overwrite !== true) {
    throw new AppError(
      'conflict',
      `A spec named ${name} is already saved (${taken[0]}).`,
      'Pick another name, or pass --force.',
    );
  }
  mkdirSync(root, { recursive: true });
  const staging = join(root, `.${name}.${process.pid}.tmp`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  try {
    const notices: string[] = [];
    const local = !app.store.sources.fromElsewhere(runId);
    const entries = await startingData(app, events, staging, notices);
    const base = specFromRun(events, name);
    const spec = loopSpecSchema.parse({
      ...base,
      ...withParams(app, base, events, entries, local),
      ...withEvaluation(base, staging, local, notices),
      checksums: checksums(staging, [...entries, HELD_OUT]),
    });
    writeFileSync(join(staging, 'loop.yaml'), stringify(spec, { lineWidth: 100 }));
    for (const path of taken) rmSync(path, { recursive: true, force: true });
    const folder = join(root, name);
    renameSync(staging, folder);
    return { name, file: join(folder, 'loop.yaml'), notices };
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

function takenPaths(root: string, name: string): string[] {
  const own = [`${name}.yaml`, `${name}.yml`, `${name}.json`, name].map((entry) => join(root, entry));
  const named = listSpecs([root])
    .filter((spec) => spec.name === name)
    .map((spec) => (basename(spec.file) === 'loop.yaml' ? join(spec.file, '..') : spec.file));
  return [...new Set([...own.filter((path) => existsSync(path)), ...named])];
}

/**
 * The workspace the run started with (its first snapshot, before any step), beside the spec's
 * loop.yaml (or under data/ when one of its names is taken there); the paths relative to the spec.
 */
async function startingData(
  app: SpecDeps,
  events: readonly RunEvent[],
  staging: string,
  notices: string[],
): Promise<string[]> {
  const first = events.find((event) => event.type === 'workspace.snapshot');
  if (first?.type !== 'workspace.snapshot') return [];
  const { manifest, callId, jobId, skipped } = first.payload;
  if (callId !== undefined || jobId !== undefined) return [];
  if (manifest === null) {
    notices.push(`The run's starting workspace was not captured (${skipped ?? 'skipped'}); the spec has no data.`);
    return [];
  }
  const restored = join(staging, RESTORED);
  try {
    await restoreWorkspace(app.snapshots.blobs, manifest, restored);
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'not_found') throw error;
    // An exported run carries its events, not its files.
    rmSync(restored, { recursive: true, force: true });
    notices.push(`The run's starting workspace is not in this data folder (${error.message}); the spec has no data.`);
    return [];
  }
  removeLinks(restored);
  const names = readdirSync(restored).sort();
  if (names.some((name) => RESERVED.has(name))) {
    renameSync(restored, join(staging, DATA));
    return names.map((name) => `${DATA}/${name}`);
  }
  for (const name of names) renameSync(join(restored, name), join(staging, name));
  rmSync(restored, { recursive: true });
  return names;
}

/** Links are left out: a spec's data stays inside its folder. */
function removeLinks(folder: string): void {
  for (const entry of readdirSync(folder)) {
    const path = join(folder, entry);
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) rmSync(path);
    else if (stat.isDirectory()) removeLinks(path);
  }
}

type RunCreated = Extract<RunEvent, { type: 'run.created' }>;

function recordedGoal(events: readonly RunEvent[]): string | undefined {
  const created = events.find((event): event is RunCreated => event.type === 'run.created');
  const goal = created?.payload.goal;
  return typeof goal === 'string' ? goal : undefined;
}

/**
 * The goal, parameters and data: the spec the run came from (found here, for a run recorded here) with
 * the run's values as defaults, when filling it in gives the recorded goal; else the recorded goal as is.
 */
function withParams(
  app: SpecDeps,
  base: LoopSpec,
  events: readonly RunEvent[],
  entries: readonly string[],
  local: boolean,
): Pick<LoopSpec, 'goal' | 'params' | 'data'> {
  const data = [...entries];
  const given = runConfig(events)?.spec;
  const original = local && given !== undefined ? originalSpec(app, given) : undefined;
  const goal = recordedGoal(events);
  if (original === undefined || given === undefined || goal === undefined) return { goal: base.goal, params: {}, data };
  const filled = original.goal.replace(PLACEHOLDER, (_match, key: string) => given.params[key] ?? '');
  if (filled !== goal) return { goal: base.goal, params: {}, data };
  const params: LoopSpec['params'] = {};
  for (const [key, param] of Object.entries(original.params)) {
    const value = given.params[key] ?? param.default;
    params[key] = { ...param, ...(value === undefined ? {} : { default: value }) };
  }
  // A datum given whole as a parameter stays a parameter, its default now the copy in the spec's folder.
  const fromParams = new Set<string>();
  for (const template of original.data) {
    const key = wholeParam(template);
    const value = key === undefined ? undefined : given.params[key];
    const copy = value === undefined ? undefined : entries.find((entry) => basename(entry) === basename(value));
    if (key === undefined || copy === undefined) continue;
    params[key] = { ...params[key], default: copy };
    fromParams.add(copy);
  }
  const byParam = original.data.filter((template) => {
    const key = wholeParam(template);
    return key !== undefined && fromParams.has(params[key]?.default ?? '');
  });
  return { goal: original.goal, params, data: [...byParam, ...data.filter((path) => !fromParams.has(path))] };
}

function runConfig(events: readonly RunEvent[]): LoopConfig | undefined {
  const created = events.find((event): event is RunCreated => event.type === 'run.created');
  return created?.payload.config;
}

/** The spec a run recorded here was started from: its file, else a saved or starter spec of its name. */
function originalSpec(app: SpecDeps, given: { name: string; file?: string | undefined }): LoopSpec | undefined {
  for (const file of [given.file, given.name]) {
    try {
      if (file !== undefined) return readLoopSpec(findSpec(file, specDirs(app.paths.root)));
    } catch {
      // Gone or changed: the next way of finding it, else the recorded goal as is.
    }
  }
  return undefined;
}

/** The evaluation with its held-out files copied beside the spec (only from this machine). */
function withEvaluation(base: LoopSpec, staging: string, local: boolean, notices: string[]): Partial<LoopSpec> {
  const { evaluation } = base;
  if (evaluation === undefined || evaluation.heldOut.length === 0) return {};
  if (!local) {
    notices.push(
      'The evaluation is left out: the run came from elsewhere and its held-out files are not on this machine.',
    );
    return { evaluation: undefined };
  }
  const missing = evaluation.heldOut.filter((path) => !existsSync(path));
  if (missing.length > 0) {
    notices.push(`The evaluation is left out: its held-out files are gone (${missing.join(', ')}).`);
    return { evaluation: undefined };
  }
  mkdirSync(join(staging, HELD_OUT));
  const heldOut = evaluation.heldOut.map((path) => {
    const copy = `${HELD_OUT}/${basename(path)}`;
    cpSync(path, join(staging, copy), { recursive: true, dereference: true });
    return copy;
  });
  return { evaluation: { ...evaluation, heldOut } };
}

/** The sha256 of every file at or under the spec's `paths`, by its path relative to the spec. */
function checksums(specFolder: string, paths: readonly string[]): Record<string, string> | undefined {
  const sums: Record<string, string> = {};
  const walk = (path: string) => {
    if (!existsSync(path)) return;
    const stat = lstatSync(path);
    if (stat.isDirectory()) for (const entry of readdirSync(path).sort()) walk(join(path, entry));
    else if (stat.isFile()) sums[relative(specFolder, path).split('\\').join('/')] = sha256Of(path);
  };
  for (const path of paths) walk(join(specFolder, path));
  return Object.keys(sums).length === 0 ? undefined : sums;
}
