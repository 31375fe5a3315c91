// Crash safety under SIGKILL at random points of real runs: during a model stream, a tool, an
// approval wait, a job, a compaction and the appends around a large blob. A child process drives a
// run against a fake Ollama (on this machine's runtime, or the Docker sandbox) and prints each event
// as it is committed; after the kill the store must be intact, hold every committed event, show no
// run as live, fold to the same summaries, and `looplab resume` must finish the run.
//
// LOOPLAB_CRASH_SEED reproduces a failing sequence; LOOPLAB_CRASH_ITERATIONS raises the count for a
// long soak (the default keeps the file near a minute).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { homeHash } from '../../src/main/sandbox/container-spec';
import { openStore } from '../../src/main/store/open-store';
import { summarizeAll } from '../../src/shared/run-summary';
import type { FakeServer } from '../fakes/http-fake';
import { removeHomeContainers } from '../fixtures/train-jobs';
import { startOllamaServer } from '../fakes/ollama-server';
import type { Turn } from '../fakes/script';
import { runCli, TEST_SANDBOX_IMAGE } from '../helpers/cli';
import { dockerAvailable, dockerRequired, requireDocker } from '../helpers/docker';
import { seededRandom as random } from '../helpers/seeded-random';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

const seed = Number(process.env.LOOPLAB_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const iterations = Number(process.env.LOOPLAB_CRASH_ITERATIONS ?? 6);
const withDocker = dockerAvailable || dockerRequired;
/** Small enough that the large write of task 2 forces compactions. */
const CONTEXT_LENGTH = 6000;

type Scenario = 'stream' | 'tool' | 'approval' | 'job' | 'compaction' | 'append';
const scenarios: readonly Scenario[] = ['stream', 'tool', 'approval', 'job', 'compaction', 'append'];

interface Committed {
  runId: string;
  seq: number;
  type: string;
}

/**
 * A model that reads the conversation: it does the numbered task after the highest one it sees done,
 * so the same server serves the run and its resume, whatever was cut off. Task 4 starts a job (sandbox
 * only) and task 5 keeps the run busy while it runs.
 */
function modelReply(onCompaction: () => void) {
  return (body: Record<string, unknown>): Turn => {
    const text = JSON.stringify(body.messages);
    const done = Math.max(0, ...[...text.matchAll(/task-(\d)/g)].map((match) => Number(match[1])));
    if (text.includes('working notes')) {
      onCompaction();
      const notes = Array.from({ length: done }, (_, index) => ` task-${index + 1} done.`);
      return {
        text: ['Notes:', ...notes, ' Next: the following task.'],
        delayMs: 60,
        usage: { input: 500, output: 40 },
      };
    }
    const tools = JSON.stringify(body.tools ?? []);
    const next = done === 3 && !tools.includes('job_start') ? 5 : done + 1;
    const usage = { input: 800, output: 30 };
    switch (next) {
      case 1:
        return {
          text: ['Starting', ' with', ' the', ' first', ' task', ' by', ' checking', ' the', ' machine.'],
          toolCalls: [{ name: 'bash', arguments: { command: 'sleep 0.6; echo task-1 ok' } }],
          delayMs: 40,
          usage,
        };
      case 2:
        return {
          toolCalls: [
            { name: 'write', arguments: { path: 'notes.txt', content: `task-2\n${'row,0.5\n'.repeat(2500)}` } },
          ],
          usage,
        };
      case 3:
        return { toolCalls: [{ name: 'bash', arguments: { command: 'echo task-3 ok' } }], usage };
      case 4:
        return {
          toolCalls: [
            { name: 'job_start', arguments: { command: `sleep 1.5; echo '{"step": 1, "loss": 0.4}'; echo task-4` } },
          ],
          usage,
        };
      case 5:
        return { toolCalls: [{ name: 'bash', arguments: { command: 'sleep 1; echo task-5 ok' } }], usage };
      default:
        return { text: ['All tasks are done.'], usage };
    }
  };
}

interface Child {
  process: ChildProcess;
  committed: Committed[];
  exited: Promise<void>;
}

function startDriver(home: TempHome, runtime: 'host' | 'sandbox', hold: string, ollama: string): Child {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join('tests', 'fixtures', 'crash-run.ts'), home.paths.root, runtime, `${CONTEXT_LENGTH}`, hold],
    {
      env: { ...process.env, OLLAMA_HOST: ollama, LOOPLAB_SANDBOX_IMAGE: TEST_SANDBOX_IMAGE },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const committed: Committed[] = [];
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) {
      const [word, runId, seq, type] = line.split(' ');
      if (word === 'committed') committed.push({ runId: runId!, seq: Number(seq), type: type! });
    }
  });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve, reject) =>
    child.once('exit', (code, signal) =>
      signal === 'SIGKILL' ? resolve() : reject(new Error(`driver exited (${code}) before the kill:\n${output}`)),
    ),
  );
  return { process: child, committed, exited };
}

/** Resolves when the nth committed event of this type is seen (or the compaction request comes). */
function when(child: Child, type: string, nth = 1): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (child.committed.filter((event) => event.type === type).length >= nth) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
    child.exited.catch((error: unknown) => {
      clearInterval(timer);
      reject(error as Error);
    });
  });
}

interface Plan {
  scenario: Scenario;
  runtime: 'host' | 'sandbox';
  delayMs: number;
}

function plans(): Plan[] {
  const next = random(seed);
  const delays: Record<Scenario, number> = {
    stream: 300,
    tool: 500,
    approval: 300,
    // Within the job (1.5 s) and before the run, which goes on while it runs, can finish (about 1 s).
    job: 600,
    compaction: 250,
    append: 40,
  };
  const out: Plan[] = [];
  for (let index = 0; out.length < iterations; index++) {
    const scenario = scenarios[index % scenarios.length]!;
    if (scenario === 'job' && !withDocker) continue;
    const sandbox = scenario === 'job' || (withDocker && next() < 0.25);
    out.push({ scenario, runtime: sandbox ? 'sandbox' : 'host', delayMs: Math.round(next() * delays[scenario]) });
  }
  return out;
}

describe('crash loop', () => {
  let server: FakeServer;
  let compactionSeen: () => void = () => undefined;

  beforeAll(async () => {
    if (dockerRequired) requireDocker();
    process.stdout.write(
      `crash loop: seed ${seed}, ${iterations} iterations (LOOPLAB_CRASH_SEED=${seed} repeats it)\n`,
    );
    server = await startOllamaServer({ reply: modelReply(() => compactionSeen()) });
  });

  afterAll(async () => {
    await server.close();
  });

  it.each(plans().map((plan, index) => ({ ...plan, iteration: index + 1 })))(
    'run $iteration: SIGKILL during $scenario on $runtime, then resume',
    async ({ scenario, runtime, delayMs }) => {
      const home = makeTempHome('looplab-crash-');
      try {
        const compaction = new Promise<void>((resolve) => (compactionSeen = resolve));
        const child = startDriver(home, runtime, scenario === 'approval' ? 'task-3' : '', server.url);
        const triggers: Record<Scenario, () => Promise<void>> = {
          stream: () => when(child, 'model.started'),
          tool: () => when(child, 'tool.started'),
          approval: () => when(child, 'approval.requested', 2),
          job: () => when(child, 'job.started'),
          compaction: () => Promise.race([compaction, child.exited]),
          append: () => when(child, 'model.started', 2),
        };
        await triggers[scenario]();
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        child.process.kill('SIGKILL');
        await child.exited;
        const committed = child.committed;
        const runId = committed[0]!.runId;

        let opened = openStore(home.paths);
        try {
          expect(opened.db.pragma('integrity_check', { simple: true })).toBe('ok');
          const stored = opened.store.loadEvents(runId, { blobs: 'ref' });
          expect(stored.map((event) => event.seq)).toEqual(stored.map((_, index) => index));
          const bySeq = new Map(stored.map((event) => [event.seq, event.type]));
          expect(committed.filter((event) => bySeq.get(event.seq) !== event.type)).toEqual([]);
          const live = opened.store.listRuns().filter((run) => run.status === 'running' || run.status === 'waiting');
          expect(live).toEqual([]);
          expect(opened.store.getRun(runId)!.status).toBe('interrupted');
        } finally {
          opened.close();
        }

        const resumed = await runCli(['resume', runId, '--approve', 'auto', '--json'], {
          env: { OLLAMA_HOST: server.url, LOOPLAB_HOME: home.paths.root },
        });
        expect({ code: resumed.code, stderr: resumed.stderr.includes('looplab:') ? resumed.stderr : '' }).toEqual({
          code: 0,
          stderr: '',
        });
        expect(JSON.parse(resumed.stdout)).toMatchObject({ runId, status: 'finished' });

        opened = openStore(home.paths);
        try {
          expect(opened.db.pragma('integrity_check', { simple: true })).toBe('ok');
          const events = opened.store.loadEvents(runId);
          expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index));
          const summaries = opened.store.listRuns();
          expect(summaries.map((run) => summarizeAll(opened.store.loadEvents(run.id)))).toEqual(summaries);
          opened.store.rebuildRuns();
          expect(opened.store.listRuns()).toEqual(summaries);
        } finally {
          opened.close();
        }
      } finally {
        if (withDocker) await removeHomeContainers(new Docker(), homeHash(home.paths.root));
        home.remove();
      }
    },
    120_000,
  );
});
