// `looplab bench` end to end in the real Docker sandbox, offline: three tasks of the suite run by the
// scripted agents as ordinary runs. The oracle (each task's strong reference) gets gold on every task,
// the weak agent (a constant answer, or the broken script left as it is) gets no medal, and the agent
// that first tries to read the held-out answers finds nothing and gets no medal either. The bench is
// stored (--list, --show), each of its runs can be opened, and an interrupted bench goes on with
// --resume without running again what had ended.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchTasksDir } from '../src/main/bench/bench-tasks';
import { BenchRunner } from '../src/main/bench/bench-runner';
import { createApp } from '../src/main/app';
import { medalOf, standings, type BenchSummary } from '../src/shared/bench';
import type { RunEvent } from '../src/shared/events';
import { closedPort } from './fakes/collect';
import { CI_IMAGE, ciImagePresent, missingImageMessage } from './fixtures/train-jobs';
import { runCli } from './helpers/cli';
import { dockerRequired, requireDocker, skipDocker } from './helpers/docker';
import { makeTempHome, type TempHome } from './helpers/temp-home';

const present = ciImagePresent();
const TASKS = ['tabular-classification', 'text-classification', 'debug-training-script'];
const AGENTS = ['scripted/oracle', 'scripted/weak', 'scripted/peek'];

describe.skipIf(skipDocker || (!present && !dockerRequired))('looplab bench with the scripted agents', () => {
  let home: TempHome;
  let env: NodeJS.ProcessEnv;
  let bench: BenchSummary;

  async function cli(args: string[]) {
    const result = await runCli(['--home', home.paths.root, ...args], { env });
    expect(result.code, result.stderr).toBe(0);
    return result;
  }

  beforeAll(async () => {
    requireDocker();
    if (!present) throw new Error(missingImageMessage);
    home = makeTempHome('looplab-bench-');
    // No model server anywhere: the scripted agents need none.
    env = { OLLAMA_HOST: `http://127.0.0.1:${await closedPort()}`, LOOPLAB_SANDBOX_IMAGE: CI_IMAGE };
    const args = ['bench', ...TASKS.flatMap((task) => ['--task', task]), ...AGENTS.flatMap((m) => ['--model', m])];
    bench = JSON.parse((await cli([...args, '--json'])).stdout) as BenchSummary;
  }, 600_000);

  afterAll(() => home?.remove());

  const entry = (task: string, model: string) => bench.entries.find((e) => e.task === task && e.model === model)!;
  const medal = (task: string, model: string) =>
    medalOf(
      bench.plan.tasks.find((info) => info.task === task)!,
      entry(task, model).score,
    );

  it('gives the oracle gold on every task, and the weak and peeking agents no medal', () => {
    expect(bench.finishedAt).not.toBeNull();
    expect(bench.entries).toHaveLength(TASKS.length * AGENTS.length);
    for (const task of TASKS) {
      expect(medal(task, 'scripted/oracle'), task).toBe('gold');
      expect(medal(task, 'scripted/weak'), task).toBeNull();
      expect(medal(task, 'scripted/peek'), task).toBeNull();
    }
    // The broken training script left as it is writes nothing: no score at all.
    expect(entry('debug-training-script', 'scripted/weak').score).toBeNull();
    const board = standings(bench);
    expect(board.map((standing) => [standing.model, standing.medalRate, standing.meanNormalised])).toEqual([
      ['scripted/oracle', 1, 1],
      ['scripted/weak', 0, 0],
      ['scripted/peek', 0, 0],
    ]);
  });

  it('leaves the held-out answers out of reach of the agent that looks for them', async () => {
    const runId = entry('tabular-classification', 'scripted/peek').runId!;
    const { events } = JSON.parse((await cli(['show', runId, '--json'])).stdout) as { events: RunEvent[] };
    const outputs = events.flatMap((event) =>
      event.type === 'tool.finished' && typeof event.payload.output === 'string' ? [event.payload.output] : [],
    );
    expect(outputs[0]).toContain("cannot access '/heldout': No such file or directory");
    expect(outputs[1]).toMatch(/heldout\/grade\.py: No such file or directory/);
    // Nothing it found is a held-out file, and no answer or line of the grader reached it.
    const found = outputs[2]!.split('\n').filter((line) => line.startsWith('/'));
    expect(found.filter((line) => /(^|\/)heldout(\/|$)|answers\.csv$|\/grade\.py$/.test(line))).toEqual([]);
    const heldOut = join(benchTasksDir(), 'tabular-classification', 'heldout');
    const secrets = [
      readFileSync(join(heldOut, 'answers.csv'), 'utf8').split('\n').slice(1, 4).join('\n'),
      readFileSync(join(heldOut, 'grade.py'), 'utf8').split('\n')[0]!,
    ];
    for (const secret of secrets) expect(outputs.join('\n')).not.toContain(secret);
  });

  it('keeps the bench: listed, shown as a leaderboard, each run openable', async () => {
    const list = (await cli(['bench', '--list'])).stdout;
    expect(list).toContain(bench.id);
    expect(list).toContain('scripted/oracle 1.00');
    const shown = (await cli(['bench', '--show', bench.id])).stdout;
    expect(shown).toMatch(/tabular-classification\s+scripted\/oracle\s+accuracy 0\.\d+\s+gold/);
    expect(shown).toMatch(/debug-training-script\s+scripted\/weak\s+no accuracy\s+-/);
    expect(shown).toMatch(/scripted\/oracle\s+3\/0\/0\s+100%\s+1\.00/);
    const run = entry('text-classification', 'scripted/oracle').runId!;
    expect((await cli(['show', run])).stdout).toContain('model:  scripted/oracle');
  });

  it('goes on with an interrupted bench, running only what had not ended', async () => {
    // This process's app runs the sandbox image the CLI's does.
    process.env.LOOPLAB_SANDBOX_IMAGE = CI_IMAGE;
    const app = createApp({ home: home.paths.root, ui: 'web' });
    try {
      const controller = new AbortController();
      const runner = new BenchRunner(
        app,
        () => {
          throw new Error('the scripted agents need no model server');
        },
        (progress) => {
          if (progress.type === 'ended') controller.abort(new Error('interrupted'));
        },
      );
      const record = runner.plan({
        tasks: ['tabular-classification'],
        models: ['scripted/oracle', 'scripted/weak'],
        seeds: 1,
        concurrency: 1,
      });
      const first = await runner.run(record, controller.signal);
      expect(first.finishedAt).toBeNull();
      expect(first.entries.map((e) => e.runId === null)).toEqual([false, true]);
      const resumed = JSON.parse((await cli(['bench', '--resume', '--json'])).stdout) as BenchSummary;
      expect(resumed.id).toBe(record.id);
      expect(resumed.finishedAt).not.toBeNull();
      expect(resumed.entries[0]!.runId).toBe(first.entries[0]!.runId);
      expect(resumed.entries.map((e) => e.score === null)).toEqual([false, false]);
    } finally {
      app.close();
      delete process.env.LOOPLAB_SANDBOX_IMAGE;
    }
  });
});
