// A loop spec made ready to run: its parameters resolved, placeholders filled, paths made absolute
// and checked (inside the spec's folder unless the person gave them), its recorded checksums verified,
// and its data copied into the run's workspace.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { AppError } from '../../shared/errors';
import { loopConfigSchema, type LoopConfig } from '../../shared/loop-config';
import { checkRunPath, PLACEHOLDER, shellQuote, type SpecPathField } from './spec-paths';
import { pathFields, type LoopSpec } from './spec-schema';

/** A spec made ready to run: its goal filled in, paths made absolute, the run's constraints. */
export interface PreparedSpec {
  spec: LoopSpec;
  file: string;
  goal: string;
  model: string | undefined;
  config: LoopConfig;
  /** Absolute paths copied into the workspace. */
  data: string[];
}

/** The parameters a run gets: the given ones over the defaults; every declared one must have a value. */
export function resolveParams(spec: LoopSpec, given: Record<string, string>, file: string): Record<string, string> {
  const declared = Object.keys(spec.params);
  const unknown = Object.keys(given).filter((key) => !(key in spec.params));
  if (unknown.length > 0) {
    throw new AppError(
      'invalid_input',
      `The loop spec ${basename(file)} has no parameter ${unknown.join(', ')}.`,
      declared.length === 0 ? 'It takes no parameters.' : `Its parameters: ${declared.join(', ')}.`,
    );
  }
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const [key, param] of Object.entries(spec.params)) {
    const value = given[key] ?? param.default;
    if (value === undefined) missing.push(key);
    else values[key] = value;
  }
  if (missing.length > 0) {
    throw new AppError(
      'invalid_input',
      `The loop spec ${basename(file)} needs a value for ${missing.join(', ')}.`,
      `Give it with ${missing.map((key) => `--param ${key}=…`).join(' ')}.`,
    );
  }
  return values;
}

function fill(
  template: string,
  params: Record<string, string>,
  where: string,
  file: string,
  quote: (value: string) => string = (value) => value,
): string {
  return template.replace(PLACEHOLDER, (_match, key: string) => {
    const value = params[key] === undefined ? undefined : quote(params[key]);
    if (value === undefined) {
      throw new AppError(
        'invalid_input',
        `The loop spec ${basename(file)} uses {{${key}}} in ${where}, but declares no parameter ${key}.`,
        `Add it under params:, e.g. "params: { ${key}: { default: … } }".`,
      );
    }
    return value;
  });
}

function specPath(path: string, file: string, what: string): string {
  const absolute = isAbsolute(path) ? path : resolve(dirname(file), path);
  if (!existsSync(absolute)) {
    throw new AppError(
      'not_found',
      `The loop spec ${basename(file)} names ${what} ${path}, which does not exist (looked at ${absolute}).`,
      'Paths in a spec are relative to the spec file.',
    );
  }
  return absolute;
}

export interface PrepareOptions {
  /**
   * Whether `given` came from the person at run time: only then may a path given whole as a parameter
   * leave the spec's folder. Parameters recorded by a run from elsewhere are not.
   */
  givenByPerson?: boolean;
}

/** Fills in a spec's parameters and paths: what a run of it starts with. */
export function prepareSpec(
  spec: LoopSpec,
  file: string,
  given: Record<string, string>,
  options: PrepareOptions = {},
): PreparedSpec {
  const params = resolveParams(spec, given, file);
  const trusted = new Set(options.givenByPerson === false ? [] : Object.keys(given));
  const path = (field: SpecPathField, what: string): string => {
    const filled = specPath(
      fill(field.template, params, field.field[0] === 'data' ? 'data' : 'evaluation.heldOut', file),
      file,
      what,
    );
    checkRunPath(field, filled, file, trusted);
    return filled;
  };
  checkChecksums(spec, file);
  const fields = pathFields(spec);
  const data = fields.filter(({ field }) => field[0] === 'data').map((field) => path(field, 'data'));
  const evaluation =
    spec.evaluation === undefined
      ? undefined
      : {
          ...spec.evaluation,
          command: fill(spec.evaluation.command, params, 'evaluation.command', file, shellQuote),
          ...(spec.evaluation.baseline?.command === undefined
            ? {}
            : {
                baseline: {
                  ...spec.evaluation.baseline,
                  command: fill(
                    spec.evaluation.baseline.command,
                    params,
                    'evaluation.baseline.command',
                    file,
                    shellQuote,
                  ),
                },
              }),
          heldOut: fields.filter(({ field }) => field[0] === 'evaluation').map((field) => path(field, 'held-out file')),
        };
  const config = loopConfigSchema.parse({
    maxSteps: spec.maxSteps,
    tools: spec.tools,
    rules: spec.rules,
    budget: spec.budget,
    runtime: spec.runtime,
    network: spec.network,
    ...(spec.gpu === undefined ? {} : { gpu: spec.gpu }),
    jobs: spec.jobs,
    evaluation,
    spec: { name: spec.name, params, file: resolve(file) },
    mcpServers: spec.mcpServers,
  });
  return { spec, file, goal: fill(spec.goal, params, 'goal', file), model: spec.model, config, data };
}

/** Refuses a spec whose files are not those it recorded (a saved run's data, changed since). */
function checkChecksums(spec: LoopSpec, file: string): void {
  const changed = Object.entries(spec.checksums ?? {}).flatMap(([path, sum]) => {
    const absolute = resolve(dirname(file), path);
    if (!existsSync(absolute)) return [`${path} is missing`];
    return sha256Of(absolute) === sum ? [] : [`${path} has changed (its sha256 is not the one recorded)`];
  });
  if (changed.length === 0) return;
  throw new AppError(
    'invalid_input',
    `The loop spec ${basename(file)} does not have the files it recorded: ${changed.join('; ')}.`,
    'Put the files back as they were, or remove their lines under checksums: in the spec.',
  );
}

export function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * Copies a spec's data into the run's workspace, each under its own name. A path given as a link is
 * copied as what it points to (checked to be allowed when the spec was prepared); links inside a data
 * folder are left out, so that nothing outside it is copied.
 */
export function copyData(data: readonly string[], workspace: string): void {
  mkdirSync(workspace, { recursive: true });
  for (const source of data) {
    const real = realpathSync(source);
    cpSync(real, join(workspace, basename(source)), {
      recursive: true,
      errorOnExist: false,
      force: true,
      filter: (path) => path === real || !lstatSync(path).isSymbolicLink(),
    });
  }
}
