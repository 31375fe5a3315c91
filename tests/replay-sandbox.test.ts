// `looplab replay` of a multi-step run recorded in a real Docker sandbox through the real `ollama`
// client: played back with no model server at all, its tools run again in a fresh container and it
// ends with the same workspace files; run on another image (a changed tool environment) it reports
// the first differing step; with --on-divergence continue a live (fake) Ollama takes over from there.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from './fakes/collect';
import type { FakeServer } from './fakes/http-fake';
import { startOllamaServer } from './fakes/ollama-server';
import type { Turn } from './fakes/script';
import { runCli } from './helpers/cli';
import { requireDocker, skipDocker } from './helpers/docker';
import { makeTempHome, type TempHome } from './helpers/temp-home';

const MODEL = 'ollama/qwen2.5-coder:7b';
const FULL_IMAGE = 'looplab-sandbox:ci';
let home: TempHome;
let sourceRunId: string;

const recorded: Turn[] = [
  {
    text: ['Writing the data.'],
    toolCalls: [{ name: 'write', arguments: { path: 'data/points.csv', content: 'x,y\n1,2\n2,4\n3,6\n' } }],
  },
  {
    toolCalls: [
      {
        name: 'bash',
        arguments: {
          command:
            "mkdir -p out && python3 -c \"import csv; r=list(csv.DictReader(open('data/points.csv'))); print(sum(int(p['y']) for p in r))\" > out/sum.txt && cat out/sum.txt && hostname && date -u",
        },
      },
    ],
  },
  { toolCalls: [{ name: 'bash', arguments: { command: 'python3 -c "import sklearn" 2>&1 | tail -1; echo checked' } }] },
  { toolCalls: [{ name: 'write', arguments: { path: 'report.md', content: '# Sum\n12\n' } }] },
  { text: ['The sum of y is 12.'] },
];

function tree(runId: string): Record<string, string> {
  const root = join(home.paths.workspaces, runId);
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(root, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(root);
  return out;
}

function containersOf(runId: string): string[] {
  const output = execFileSync('docker', ['ps', '-a', '-q', '--filter', `label=dev.looplab.run=${runId}`], {
    encoding: 'utf8',
  });
  return output.split('\n').filter((line) => line !== '');
}

interface ReplaySummary {
  runId: string;
  sourceRunId: string;
  status: string;
  reason: string | null;
  diverged: { step: number; tool: string; expected: string; got: string; then: string } | null;
}

describe.skipIf(skipDocker)('looplab replay in the sandbox', () => {
  beforeAll(async () => {
    requireDocker();
    home = makeTempHome();
    const server = await startOllamaServer({ turns: recorded });
    const result = await runCli(['run', '--model', MODEL, '--approve', 'auto', '--json', 'Sum the y column'], {
      env: { OLLAMA_HOST: server.url, LOOPLAB_HOME: home.paths.root },
    });
    await server.close();
    expect(result.code, result.stderr).toBe(0);
    sourceRunId = (JSON.parse(result.stdout) as { runId: string }).runId;
  });

  afterAll(() => home?.remove());

  it(
    'replays with no model server running, reruns every tool and ends with the same files',
    { timeout: 120_000 },
    async () => {
      const noServer = `http://127.0.0.1:${await closedPort()}`;
      const result = await runCli(['replay', sourceRunId, '--json'], {
        env: { OLLAMA_HOST: noServer, LOOPLAB_HOME: home.paths.root },
      });
      expect(result.code, result.stderr).toBe(0);
      const summary = JSON.parse(result.stdout) as ReplaySummary;
      expect(summary).toMatchObject({ sourceRunId, status: 'finished', reason: null, diverged: null });
      expect(result.stderr).toContain('→ bash · {"command":"mkdir -p out');
      expect(tree(summary.runId)).toEqual(tree(sourceRunId));
      expect(tree(summary.runId)['out/sum.txt']).toBe('12\n');
      expect(containersOf(summary.runId)).toEqual([]);
      const shown = JSON.parse(
        (await runCli(['show', summary.runId, '--json'], { env: { LOOPLAB_HOME: home.paths.root } })).stdout,
      ) as {
        run: { parentRunId: string };
        events: { type: string; payload: { origin?: string } }[];
      };
      expect(shown.run.parentRunId).toBe(sourceRunId);
      expect(shown.events[0]!.payload.origin).toBe('replay');
    },
  );

  it('reports the first step that differs when the sandbox image is another one', { timeout: 120_000 }, async () => {
    const result = await runCli(['replay', sourceRunId], {
      env: { LOOPLAB_HOME: home.paths.root, LOOPLAB_SANDBOX_IMAGE: FULL_IMAGE },
    });
    expect(result.code, result.stderr).toBe(4);
    expect(result.stdout).toMatch(
      new RegExp(
        [
          `\n■ stopped · Replay diverged at step 3: bash \\([^)]+\\) gave a different result than the recording.\nDiverged from ${sourceRunId} at step 3: bash \\(call [^)]+\\)`,
          '  first difference at line 1 \\(normalised\\):',
          "    expected: ModuleNotFoundError: No module named 'sklearn'",
          '    got:      checked',
          '  the replay stopped there',
          `run_\\w+ stopped: Replay diverged at step 3: bash \\([^)]+\\) gave a different result than the recording.\\n$`,
        ].join('\\n'),
      ),
    );
  });

  it('checks the live model before a replay that may go on live, and records nothing when it is down', async () => {
    const runsBefore = (await runCli(['runs', '--json'], { env: { LOOPLAB_HOME: home.paths.root } })).stdout;
    const noServer = `http://127.0.0.1:${await closedPort()}`;
    const result = await runCli(['replay', sourceRunId, '--on-divergence', 'continue'], {
      env: { OLLAMA_HOST: noServer, LOOPLAB_HOME: home.paths.root },
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(
      /^looplab: --on-divergence continue needs a live model to go on with, and ollama\/\S+ is not ready: Ollama at http:\/\/127\.0\.0\.1:\d+ is not answering/,
    );
    expect(result.stdout).not.toContain('went on live');
    expect((await runCli(['runs', '--json'], { env: { LOOPLAB_HOME: home.paths.root } })).stdout).toBe(runsBefore);
  });

  it(
    'continues live with a model after the divergence, from the replayed conversation',
    { timeout: 120_000 },
    async () => {
      const server: FakeServer = await startOllamaServer({ turns: [{ text: ['scikit-learn is there now; done.'] }] });
      try {
        const result = await runCli(['replay', sourceRunId, '--on-divergence', 'continue', '--json'], {
          env: { OLLAMA_HOST: server.url, LOOPLAB_HOME: home.paths.root, LOOPLAB_SANDBOX_IMAGE: FULL_IMAGE },
        });
        expect(result.code, result.stderr).toBe(0);
        const summary = JSON.parse(result.stdout) as ReplaySummary;
        expect(summary).toMatchObject({ status: 'finished', diverged: { step: 3, tool: 'bash', then: 'continue' } });
        const chats = server.requests.filter((request) => request.path === '/api/chat');
        expect(chats.length).toBe(1);
        const messages = (chats[0]!.body as { messages: { role: string; content: string }[] }).messages;
        expect(messages.map((message) => message.role)).toEqual([
          'system',
          'user',
          ...['assistant', 'tool', 'assistant', 'tool', 'assistant', 'tool'],
        ]);
        expect(messages.at(-1)!.content).toBe('checked\n[exit code 0]');
      } finally {
        await server.close();
      }
    },
  );
});
