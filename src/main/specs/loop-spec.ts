// Loop specs: a YAML (or JSON) file that names a loop — its goal template and parameters, model, tools,
// approval rules, budgets, the data it starts with and the evaluation gate — so it can be run again on
// another model or other data. Every error names the file, the line and column, and the field.
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { isMap, LineCounter, parseDocument, stringify } from 'yaml';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import type { RunEvent } from '../../shared/events';
import {
  approvalRuleSchema,
  budgetSchema,
  evaluationSchema,
  loopConfigSchema,
  mcpServersSchema,
  type LoopConfig,
} from '../../shared/loop-config';
import { sandboxResourceDir } from '../sandbox/sandbox-resources';
import { fieldName, locate, nodeAt, position, specError, type Located } from './spec-errors';
import { checkRunPath, pathProblems, PLACEHOLDER, shellQuote, type SpecPathField } from './spec-paths';

const NAME_RULE = 'use letters, digits, ".", "_" or "-", starting with a letter or digit, at most 128 characters';
const nameSchema = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]*$/, NAME_RULE)
  .max(128, NAME_RULE);

/** Why a spec name cannot be used, in one line; undefined when it can. */
export function specNameProblem(name: string): string | undefined {
  if (nameSchema.safeParse(name).success) return undefined;
  return `"${name}" cannot be a spec name: ${NAME_RULE}.`;
}
const paramNameSchema = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a parameter name is a word: letters, digits, _');
const scalarSchema = z.union([z.string(), z.number(), z.boolean()]).transform(String);

const paramSchema = z
  .object({ description: z.string().max(1024).optional(), default: scalarSchema.optional() })
  .strict();

export const loopSpecSchema = z
  .object({
    name: nameSchema,
    description: z.string().max(4096).optional(),
    /** The goal, with `{{param}}` placeholders. */
    goal: z
      .string()
      .min(1)
      .max(64 * 1024),
    params: z.record(paramNameSchema, paramSchema).default({}),
    /** `provider/model`; the run's --model or the default model when absent. */
    model: z.string().min(1).max(256).optional(),
    tools: z.array(z.string().min(1).max(128)).optional(),
    rules: z.array(approvalRuleSchema).default([]),
    maxSteps: z.number().int().positive().max(10_000).optional(),
    budget: budgetSchema.default({}),
    runtime: z.enum(['sandbox', 'host']).default('sandbox'),
    network: z.enum(['none', 'full']).default('none'),
    /** Files or folders (relative to the spec) copied into the run's workspace before it starts. */
    data: z.array(z.string().min(1).max(4096)).default([]),
    /** Held-out paths here are relative to the spec; `command` may use `{{param}}` placeholders. */
    evaluation: evaluationSchema.strict().optional(),
    /** MCP servers whose tools the run may call. */
    mcpServers: mcpServersSchema.optional(),
    /** The sha256 of files in the spec's folder (relative paths), checked before each run. */
    checksums: z.record(z.string().min(1).max(4096), z.string().regex(/^[0-9a-f]{64}$/)).optional(),
  })
  .strict();
export type LoopSpec = z.infer<typeof loopSpecSchema>;

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

/** Parses spec text; every problem is reported as `file:line:col field: message`. */
export function parseLoopSpec(text: string, file: string): LoopSpec {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const label = basename(file);
  if (doc.errors.length > 0) {
    throw specError(
      file,
      doc.errors.map((error) => {
        const { line, col } = lines.linePos(error.pos[0]);
        return `${label}:${line}:${col} ${error.message.split('\n')[0]}`;
      }),
    );
  }
  const value: unknown = doc.toJS();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw specError(file, [`${label}:1:1 a loop spec is a mapping of fields (name, goal, …)`]);
  }
  const parsed = loopSpecSchema.safeParse(value);
  if (parsed.success) {
    const defaults = Object.fromEntries(Object.entries(parsed.data.params).map(([key, param]) => [key, param.default]));
    const outside = [
      ...pathProblems(pathFields(parsed.data), defaults, file),
      ...pathProblems(
        Object.keys(parsed.data.checksums ?? {}).map((template) => ({ field: ['checksums', template], template })),
        {},
        file,
      ),
      ...ruleProblems(parsed.data, file),
    ];
    if (outside.length > 0) throw specError(file, outside);
    return parsed.data;
  }
  const problems = parsed.error.issues.map((issue): Located & { text: string } => {
    if (issue.code === 'unrecognized_keys') {
      const [first] = issue.keys;
      const found = nodeAt(doc, [...issue.path, first ?? '']);
      const where = position(lines, found.key ?? found.node);
      const field = fieldName([...issue.path, first ?? '']);
      return { ...where, text: `${field}: unknown field (known: ${knownKeys(issue.path).join(', ')})` };
    }
    const found = nodeAt(doc, issue.path);
    const missing = found.key === undefined && issue.path.length > 0 && found.node !== undefined && isMap(found.node);
    const where = position(lines, found.node);
    const message = missing && issue.code === 'invalid_type' ? 'required field is missing' : issue.message;
    return { ...where, text: `${fieldName(issue.path)}: ${message}` };
  });
  problems.sort((a, b) => a.line - b.line || a.col - b.col);
  throw specError(
    file,
    problems.map((problem) => `${label}:${problem.line}:${problem.col} ${problem.text}`),
  );
}

/**
 * Rules between fields, for `spec check` and `run --spec` alike: an evaluation gate needs the sandbox
 * (on this machine the agent could read the held-out files).
 */
function ruleProblems(spec: LoopSpec, file: string): string[] {
  if (spec.runtime !== 'host' || spec.evaluation === undefined) return [];
  return [
    `${locate(file, ['runtime'])}: an evaluation gate needs the sandbox (on this machine the agent could read the held-out files); remove runtime: host`,
  ];
}

function knownKeys(path: readonly PropertyKey[]): string[] {
  if (path.length === 0) return Object.keys(loopSpecSchema.shape);
  if (path[0] === 'evaluation' && path.length === 1) return Object.keys(evaluationSchema.shape);
  if (path[0] === 'params') return ['description', 'default'];
  return [];
}

export function readLoopSpec(file: string): LoopSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new AppError(
      code === 'ENOENT' ? 'not_found' : 'unavailable',
      code === 'ENOENT' ? `There is no loop spec at ${file}.` : `Cannot read the loop spec ${file}: ${String(error)}`,
      'Give the path of a .yaml or .json spec file, or the name of a saved spec (looplab specs lists them).',
    );
  }
  return parseLoopSpec(text, file);
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

/** The data and held-out paths of a spec, with where each is written. */
function pathFields(spec: LoopSpec): SpecPathField[] {
  return [
    ...spec.data.map((template, index) => ({ field: ['data', index], template })),
    ...(spec.evaluation?.heldOut ?? []).map((template, index) => ({
      field: ['evaluation', 'heldOut', index],
      template,
    })),
  ];
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
          heldOut: fields.filter(({ field }) => field[0] === 'evaluation').map((field) => path(field, 'held-out file')),
        };
  const config = loopConfigSchema.parse({
    maxSteps: spec.maxSteps,
    tools: spec.tools,
    rules: spec.rules,
    budget: spec.budget,
    runtime: spec.runtime,
    network: spec.network,
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
        }),
  });
}

/** Writes a spec into the data folder's specs (atomically); refuses to overwrite unless asked. */
export function saveSpec(spec: LoopSpec, home: string, overwrite = false): string {
  const dir = specsDir(home);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${spec.name}.yaml`);
  if (existsSync(file) && !overwrite) {
    throw new AppError(
      'conflict',
      `A spec named ${spec.name} is already saved (${file}).`,
      'Pick another name, or pass --force.',
    );
  }
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, stringify(spec, { lineWidth: 100 }));
  renameSync(temp, file);
  return file;
}
