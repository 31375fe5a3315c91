// The bench's tasks: folders under resources/bench, each a loop spec (loop.yaml) with its data and
// held-out grader, and a bench.yaml saying what kind of task it is, its medal thresholds and the
// scripted agents that play its reference solutions.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { benchTaskInfoSchema, type BenchTaskInfo } from '../../shared/bench';
import { closestName } from '../../shared/closest-name';
import { AppError } from '../../shared/errors';
import { sandboxResourceDir } from '../sandbox/sandbox-resources';

const relativePath = z
  .string()
  .min(1)
  .max(1024)
  .refine((path) => !path.startsWith('/') && !path.split(/[\\/]/).includes('..'), 'a path inside the task folder');

/** A scripted agent: files copied from the task folder into the workspace, then commands run there. */
export const scriptedAgentSchema = z
  .object({
    files: z.record(relativePath, relativePath).default({}),
    commands: z.array(z.string().min(1).max(4096)).max(20).default([]),
  })
  .strict();
export type ScriptedAgentScript = z.infer<typeof scriptedAgentSchema>;

const benchFileSchema = benchTaskInfoSchema
  .extend({ agents: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), scriptedAgentSchema).default({}) })
  .strict();

export interface BenchTask extends BenchTaskInfo {
  /** The task's folder. */
  dir: string;
  /** Its loop spec. */
  spec: string;
  agents: Record<string, ScriptedAgentScript>;
}

/** The tasks shipped with the app (resources/bench), beside the starters. */
export function benchTasksDir(): string {
  return join(dirname(sandboxResourceDir()), 'bench');
}

/** Reads one task folder; a broken bench.yaml is named with what is wrong in it. */
export function readBenchTask(dir: string): BenchTask {
  const file = join(dir, 'bench.yaml');
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new AppError('invalid_input', `Cannot read the bench task ${file}: ${(error as Error).message}`);
  }
  const result = benchFileSchema.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`);
    throw new AppError('invalid_input', `The bench task ${file} is not valid: ${problems.join('; ')}.`);
  }
  const { agents, ...info } = result.data;
  for (const agent of Object.values(agents))
    for (const source of Object.values(agent.files)) insideTask(dir, source, file);
  return { ...info, dir, spec: join(dir, 'loop.yaml'), agents };
}

function insideTask(dir: string, path: string, file: string): string {
  const full = resolve(dir, path);
  if (!full.startsWith(resolve(dir) + sep) || !existsSync(full))
    throw new AppError('invalid_input', `The bench task ${file} names ${path}, which is not a file in its folder.`);
  return full;
}

/** Every task, by name. */
export function listBenchTasks(root = benchTasksDir()): BenchTask[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort()
    .filter((entry) => statSync(join(root, entry)).isDirectory() && existsSync(join(root, entry, 'bench.yaml')))
    .map((entry) => readBenchTask(join(root, entry)));
}

/** The tasks named (all when none is), each checked to exist. */
export function pickBenchTasks(names: readonly string[], root = benchTasksDir()): BenchTask[] {
  const tasks = listBenchTasks(root);
  if (tasks.length === 0) throw new AppError('not_found', `There are no bench tasks in ${root}.`);
  if (names.length === 0) return tasks;
  return names.map((name) => {
    const task = tasks.find((candidate) => candidate.task === name);
    if (task !== undefined) return task;
    const near = closestName(
      name,
      tasks.map((candidate) => candidate.task),
    );
    throw new AppError(
      'invalid_input',
      `There is no bench task named ${name}${near === undefined ? '' : ` (did you mean ${near}?)`}.`,
      `Tasks: ${tasks.map((candidate) => candidate.task).join(', ')}.`,
    );
  });
}

/** A file an agent copies into the workspace, read from the task folder. */
export function agentFile(task: BenchTask, source: string): string {
  return readFileSync(insideTask(task.dir, source, join(task.dir, 'bench.yaml')), 'utf8');
}

export function taskInfo(task: BenchTask): BenchTaskInfo {
  const { task: name, kind, summary, metric, better, floor, medals } = task;
  return { task: name, kind, summary, metric, better, floor, medals };
}
