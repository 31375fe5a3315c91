// The bench's task suite (resources/bench): each task's loop spec parses, its bench.yaml agrees with it,
// and in the sandbox image, offline, its scripted agents get what their medals promise: the oracle gold,
// the baseline bronze but not gold, the weak one no medal; the grader refuses a workspace without the
// output file, naming it.
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricFrom } from '../src/main/sandbox/evaluation';
import { copyData, prepareSpec, readLoopSpec } from '../src/main/specs/loop-spec';
import { requireDocker, skipDocker } from './helpers/docker';
import { CI_IMAGE, ciImagePresent, missingImageMessage } from './fixtures/train-jobs';

const run = promisify(execFile);
const BENCH = resolve('resources/bench');
const IMAGE = process.env.LOOPLAB_SANDBOX_IMAGE ?? CI_IMAGE;
const AGENTS = ['oracle', 'baseline', 'weak'] as const;
const KINDS = [
  'tabular classification',
  'tabular regression',
  'text classification',
  'time-series forecasting',
  'image classification',
  'data repair',
  'debugging',
  'hyper-parameter search',
] as const;

const agentSchema = z.strictObject({
  files: z.record(z.string().min(1), z.string().min(1)),
  commands: z.array(z.string().min(1)).min(1),
});
const benchSchema = z.strictObject({
  task: z.string().min(1),
  kind: z.enum(KINDS),
  summary: z.string().min(1).max(200),
  metric: z.string().min(1),
  better: z.enum(['higher', 'lower']),
  floor: z.number(),
  medals: z.strictObject({ bronze: z.number(), silver: z.number(), gold: z.number() }),
  agents: z.strictObject({ oracle: agentSchema, baseline: agentSchema, weak: agentSchema }),
});
type Bench = z.infer<typeof benchSchema>;
type Agent = (typeof AGENTS)[number];

const tasks = readdirSync(BENCH, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

function benchOf(task: string): Bench {
  return benchSchema.parse(parse(readFileSync(join(BENCH, task, 'bench.yaml'), 'utf8')));
}

/** The file the task's grader reads from the workspace. */
function outputOf(task: string): string {
  return task === 'repair-dataset' ? 'clean.csv' : 'predictions.csv';
}

/** Whether `value` is at least as good as `threshold` for this metric. */
function reaches(bench: Bench, value: number, threshold: number): boolean {
  return bench.better === 'higher' ? value >= threshold : value <= threshold;
}

describe('bench tasks: specs and bench.yaml', () => {
  it('has the eight kinds of task, each in a folder with its spec, bench.yaml and grader', () => {
    expect(tasks.length).toBeGreaterThanOrEqual(8);
    expect(new Set(tasks.map((task) => benchOf(task).kind))).toEqual(new Set(KINDS));
  });

  it.each(tasks)('%s: its loop spec parses and bench.yaml agrees with it', (task) => {
    const file = join(BENCH, task, 'loop.yaml');
    const spec = readLoopSpec(file);
    const prepared = prepareSpec(spec, file, {});
    const bench = benchOf(task);
    const evaluation = prepared.config.evaluation;
    expect(spec.name).toBe(task);
    expect(bench.task).toBe(task);
    expect(evaluation).toMatchObject({
      command: 'python3 -I /heldout/grade.py',
      metric: bench.metric,
      better: bench.better,
      timeoutSeconds: 120,
      retry: { maxAttempts: 1 },
    });
    expect(evaluation?.target).toBeUndefined();
    expect(evaluation?.heldOut.map((path) => basename(path))).toContain('grade.py');
    expect(spec.goal).toContain(outputOf(task));
    expect(spec.goal).toContain(`at most ${spec.maxSteps} steps and ${(spec.budget.wallMs ?? 0) / 60_000} minutes`);
    const { bronze, silver, gold } = bench.medals;
    const ordered =
      bench.better === 'higher' ? [bench.floor, bronze, silver, gold] : [gold, silver, bronze, bench.floor];
    expect([...ordered].sort((a, b) => a - b)).toEqual(ordered);
    expect(bench.floor).not.toBe(bronze);
    for (const agent of AGENTS) {
      for (const source of Object.values(bench.agents[agent].files))
        expect(existsSync(join(BENCH, task, source))).toBe(true);
    }
  });
});

const ProcessResult = z.strictObject({ rc: z.number(), stdout: z.string(), stderr: z.string() });
const Results = z.record(z.string(), ProcessResult);
type Results = z.infer<typeof Results>;

/** Runs each job's shell commands in its folder, in turn, and prints what each did as one JSON object. */
const RUNNER = `
import json, subprocess, sys
results = {}
for name, folder, commands in json.loads(sys.argv[1]):
    rc, out, err = 0, "", ""
    for command in commands:
        done = subprocess.run(["bash", "-c", command], cwd=folder, capture_output=True, text=True)
        rc, out, err = done.returncode, out + done.stdout, err + done.stderr
        if rc != 0:
            break
    results[name] = {"rc": rc, "stdout": out[-4000:], "stderr": err[-4000:]}
print(json.dumps(results))
`;

async function inSandbox(mounts: string[], jobs: [string, string, string[]][]): Promise<Results> {
  const { stdout } = await run(
    'docker',
    [
      'run',
      '--rm',
      '--network',
      'none',
      '--user',
      '1000',
      ...mounts,
      IMAGE,
      'python3',
      '-c',
      RUNNER,
      JSON.stringify(jobs),
    ],
    { maxBuffer: 16 * 1024 * 1024, timeout: 120_000 },
  );
  return Results.parse(JSON.parse(stdout));
}

interface Graded {
  bench: Bench;
  agents: Results;
  grades: Results;
}

/** One task: its agents in one container (each in a fresh copy of the workspace), the grader in another. */
async function runTask(task: string, root: string): Promise<Graded> {
  const bench = benchOf(task);
  const file = join(BENCH, task, 'loop.yaml');
  const prepared = prepareSpec(readLoopSpec(file), file, {});
  const folder = join(root, task);
  for (const name of [...AGENTS, 'untouched']) {
    copyData(prepared.data, join(folder, name));
    const files = name === 'untouched' ? {} : bench.agents[name as Agent].files;
    for (const [target, source] of Object.entries(files)) cpSync(join(BENCH, task, source), join(folder, name, target));
  }
  execFileSync('chmod', ['-R', 'a+rwX', folder]);
  const agents = await inSandbox(
    ['-v', `${folder}:/work`],
    AGENTS.map((name) => [name, `/work/${name}`, bench.agents[name].commands]),
  );
  const heldOut = (prepared.config.evaluation?.heldOut ?? []).flatMap((path) => [
    '-v',
    `${path}:/heldout/${basename(path)}:ro`,
  ]);
  const grades = await inSandbox(
    ['-v', `${folder}:/work:ro`, ...heldOut],
    [...AGENTS, 'untouched'].map((name) => [name, `/work/${name}`, [prepared.config.evaluation?.command ?? '']]),
  );
  return { bench, agents, grades };
}

/** Runs `work` on every item, at most `limit` at a time. */
async function pooled<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<Map<T, R>> {
  const results = new Map<T, R>();
  const queue = [...items];
  const worker = async (): Promise<void> => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) results.set(item, await work(item));
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

describe.skipIf(skipDocker)('bench tasks: the scripted agents in the sandbox image', () => {
  const present = IMAGE === CI_IMAGE ? ciImagePresent() : true;
  let root = '';
  let graded = new Map<string, Graded>();

  beforeAll(async () => {
    requireDocker();
    if (!present) throw new Error(missingImageMessage);
    root = mkdtempSync(join(tmpdir(), 'looplab-bench-'));
    graded = await pooled(tasks, 2, (task) => runTask(task, root));
  }, 240_000);

  afterAll(() => {
    if (root !== '') rmSync(root, { recursive: true, force: true });
  });

  const scoreOf = (result: Graded, agent: string): number | undefined => {
    const grade = result.grades[agent];
    return grade?.rc === 0 ? metricFrom(grade.stdout, result.bench.metric) : undefined;
  };

  it.each(tasks)('%s: the oracle gets gold, the baseline bronze but not gold', (task) => {
    const result = graded.get(task)!;
    const { bronze, gold } = result.bench.medals;
    for (const agent of ['oracle', 'baseline']) {
      expect(result.agents[agent], `${agent}'s commands`).toMatchObject({ rc: 0 });
      expect(result.grades[agent], `${agent}'s grade`).toMatchObject({ rc: 0 });
    }
    const oracle = scoreOf(result, 'oracle');
    const baseline = scoreOf(result, 'baseline');
    expect(
      oracle !== undefined && reaches(result.bench, oracle, gold),
      `oracle scored ${oracle}, gold is ${gold}`,
    ).toBe(true);
    expect(
      baseline !== undefined && reaches(result.bench, baseline, bronze),
      `baseline ${baseline}, bronze ${bronze}`,
    ).toBe(true);
    expect(reaches(result.bench, baseline!, gold), `baseline ${baseline} reaches gold ${gold}`).toBe(false);
  });

  it.each(tasks)('%s: the weak agent gets no medal (its score is the floor, or it gets none)', (task) => {
    const result = graded.get(task)!;
    const weak = scoreOf(result, 'weak');
    if (weak === undefined) {
      expect(result.grades.weak?.rc).toBe(1);
      expect(result.grades.weak?.stderr).toContain(outputOf(task));
    } else {
      expect(weak).toBe(result.bench.floor);
      expect(reaches(result.bench, weak, result.bench.medals.bronze)).toBe(false);
    }
  });

  it.each(tasks)('%s: the grader refuses a workspace without the output file, naming it', (task) => {
    const grade = graded.get(task)!.grades.untouched;
    expect(grade?.rc).toBe(1);
    expect(grade?.stdout).toBe('');
    expect(grade?.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^${outputOf(task)}: is missing`)),
    ]);
  });
});
