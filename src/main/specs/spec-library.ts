// Where loop specs are kept and found: the data folder's saved specs and the starters shipped with the
// app, listed and looked up by name; and a past run turned into a spec.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { AppError } from '../../shared/errors';
import type { RunEvent } from '../../shared/events';
import { sandboxResourceDir } from '../sandbox/sandbox-resources';
import { readLoopSpec } from './loop-spec';
import { loopSpecSchema, specNameProblem, type LoopSpec } from './spec-schema';

/** Where saved specs live in the data folder. */
export function specsDir(home: string): string {
  return join(home, 'specs');
}

/** The starter loops shipped with the app (resources/starters), beside the sandbox resources. */
export function starterSpecsDir(): string {
  return join(dirname(sandboxResourceDir()), 'starters');
}

/** Where specs are looked up by name: the data folder's first, then the starters. */
export function specDirs(home: string): string[] {
  return [specsDir(home), starterSpecsDir()];
}

export interface SavedSpec {
  name: string;
  description: string | undefined;
  file: string;
  spec?: LoopSpec;
  /** Set when the file does not parse: what is wrong. */
  error?: string;
}

/** The specs saved in the data folder, and the starters shipped with the app, by name. */
export function listSpecs(dirs: readonly string[]): SavedSpec[] {
  const found: SavedSpec[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir).sort()) {
      // A spec is a .yaml/.json file, or a folder holding loop.yaml beside the data it names.
      const file = /\.(ya?ml|json)$/.test(entry) ? join(dir, entry) : join(dir, entry, 'loop.yaml');
      if (!existsSync(file) || !statSync(file).isFile()) continue;
      try {
        const spec = readLoopSpec(file);
        found.push({ name: spec.name, description: spec.description, file, spec });
      } catch (error) {
        found.push({
          name: entry,
          description: undefined,
          file,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }
  return found;
}

/** A spec by file path, or by the name of a saved or starter spec. */
export function findSpec(nameOrFile: string, dirs: readonly string[]): string {
  if (existsSync(nameOrFile) && statSync(nameOrFile).isFile()) return resolve(nameOrFile);
  const specs = listSpecs(dirs);
  const match = specs.find((spec) => spec.name === nameOrFile);
  if (match !== undefined) return match.file;
  throw new AppError(
    'not_found',
    `There is no loop spec file or saved spec named ${nameOrFile}.`,
    specs.length === 0
      ? 'Give the path of a .yaml spec file.'
      : `Saved specs: ${specs.map((spec) => spec.name).join(', ')}.`,
  );
}

/** A past run as a spec: its goal, model and recorded constraints, to run again. */
export function specFromRun(events: readonly RunEvent[], name: string): LoopSpec {
  const problem = specNameProblem(name);
  if (problem !== undefined) throw new AppError('invalid_input', problem, 'Give another name.');
  const created = events.find((event) => event.type === 'run.created');
  if (created?.type !== 'run.created') throw new AppError('not_found', 'The run has no start event.');
  const goal = typeof created.payload.goal === 'string' ? created.payload.goal : created.payload.goal.preview;
  const config = created.payload.config;
  const { evaluation } = config ?? {};
  return loopSpecSchema.parse({
    name,
    description: `Saved from run ${created.runId}.`,
    goal: goal.replace(/\{\{/g, '{ {'),
    model: created.payload.model,
    ...(config === undefined
      ? {}
      : {
          tools: config.tools,
          rules: config.rules,
          maxSteps: config.maxSteps,
          budget: config.budget,
          runtime: config.runtime,
          network: config.network,
          ...(evaluation === undefined ? {} : { evaluation }),
          ...(config.mcpServers === undefined ? {} : { mcpServers: config.mcpServers }),
          ...(config.jobs === undefined ? {} : { jobs: config.jobs }),
        }),
  });
}
