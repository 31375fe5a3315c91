// `looplab run --spec` with an evaluation gate, as a person would use it: a fake Ollama plays the model,
// the agent works in the real Docker sandbox, and the harness scores each attempt in a container of its
// own where the held-out labels are mounted. The agent cannot read them, the model is told only the
// metric, and the retry rule decides: retry while improving, stop at the target or at the attempt limit.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeServer } from './fakes/http-fake';
import { startOllamaServer } from './fakes/ollama-server';
import type { Turn } from './fakes/script';
import { runCli } from './helpers/cli';
import { requireDocker, skipDocker } from './helpers/docker';
import { makeTempHome, type TempHome } from './helpers/temp-home';

const MARKER = 'heldout-7f3a';
const LABELS = `# ${MARKER}\ncat\ndog\ncat\nbird\n`;
const SCORER = `import json, sys
pred = [l.strip() for l in open('/workspace/predictions.txt') if l.strip()]
gold = [l.strip() for l in open('/heldout/labels.txt') if l.strip() and not l.startswith('#')]
right = sum(p == g for p, g in zip(pred, gold))
print('scored', len(pred), 'predictions')
print(json.dumps({"accuracy": right / len(gold)}))
`;

let home: TempHome;
let specDir: string;
let server: FakeServer | undefined;

beforeEach(() => {
  home = makeTempHome();
  specDir = mkdtempSync(join(tmpdir(), 'looplab-spec-'));
  mkdirSync(join(specDir, 'heldout'));
  writeFileSync(join(specDir, 'heldout', 'labels.txt'), LABELS);
  writeFileSync(join(specDir, 'heldout', 'score.py'), SCORER);
  writeFileSync(join(specDir, 'questions.txt'), 'q1\nq2\nq3\nq4\n');
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  home.remove();
  rmSync(specDir, { recursive: true, force: true });
});

function writeSpec(maxAttempts: number): string {
  const file = join(specDir, 'loop.yaml');
  writeFileSync(
    file,
    `name: label-animals
goal: Label each line of {{questions}} with an animal; write one label per line to predictions.txt.
params:
  questions: { default: questions.txt }
data: [ "{{questions}}" ]
evaluation:
  command: python3 /heldout/score.py
  metric: accuracy
  target: 0.9
  heldOut: [ heldout/labels.txt, heldout/score.py ]
  retry: { maxAttempts: ${maxAttempts}, minImprovement: 0.1 }
`,
  );
  return file;
}

const predict = (labels: string): Turn => ({
  toolCalls: [{ name: 'write', arguments: { path: 'predictions.txt', content: `${labels.split(' ').join('\n')}\n` } }],
});
const done = (text: string): Turn => ({ text: [text] });

async function fakeOllama(turns: Turn[]): Promise<NodeJS.ProcessEnv> {
  server = await startOllamaServer({ turns });
  return { OLLAMA_HOST: server.url, LOOPLAB_HOME: home.paths.root };
}

interface Shown {
  run: { status: string };
  events: { type: string; payload: Record<string, unknown> }[];
}

async function show(runId: string, env: NodeJS.ProcessEnv): Promise<Shown> {
  return JSON.parse((await runCli(['show', runId, '--json'], { env })).stdout) as Shown;
}

function chats(): { messages: { role: string; content: string }[] }[] {
  return server!.requests.filter((request) => request.path === '/api/chat').map((request) => request.body as never);
}

describe.skipIf(skipDocker)('loop specs with an evaluation gate', () => {
  beforeAll(() => requireDocker());

  it('retries while the harness metric improves and stops at the target, the agent never seeing the labels', async () => {
    const env = await fakeOllama([
      {
        toolCalls: [
          { name: 'bash', arguments: { command: 'cat questions.txt; ls /heldout; cat /heldout/labels.txt' } },
        ],
      },
      predict('cat cat cat cat'),
      done('Done.'),
      predict('cat dog cat cat'),
      done('Improved.'),
      predict('cat dog cat bird'),
      done('All four labelled.'),
    ]);
    const result = await runCli(['run', '--spec', writeSpec(3), '--approve', 'auto', '--json'], { env });
    expect(result.stderr).toContain('spec label-animals');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { runId: string; status: string; reason: string };
    expect(summary).toMatchObject({
      status: 'finished',
      reason: 'Target reached: accuracy = 1 (target ≥ 0.9) on attempt 3.',
    });

    const { events } = await show(summary.runId, env);
    const evaluations = events.filter((event) => event.type === 'evaluation.recorded').map((event) => event.payload);
    expect(evaluations.map(({ value, attempt, target }) => [value, attempt, target])).toEqual([
      [0.5, 1, 0.9],
      [0.75, 2, 0.9],
      [1, 3, 0.9],
    ]);
    expect(evaluations[0]!.output).toContain('scored 4 predictions');

    // The agent's own sandbox has the data, but no /heldout at all.
    const firstOutput = events.find((event) => event.type === 'tool.finished')!.payload.output as string;
    expect(firstOutput).toContain('q1\nq2');
    expect(firstOutput).toContain("ls: cannot access '/heldout': No such file or directory");
    expect(existsSync(join(home.paths.workspaces, summary.runId, 'labels.txt'))).toBe(false);

    // The model reads the metric after each attempt, and never the held-out data.
    const requests = chats();
    expect(requests).toHaveLength(7);
    const harness = requests[3]!.messages.filter((message) => message.role === 'user').map((m) => m.content);
    expect(harness.at(-1)).toBe(
      '[Looplab] The harness evaluated your work (attempt 1 of 3): accuracy = 0.5 (target ≥ 0.9). Improve it, then finish again; the harness will evaluate the workspace once more.',
    );
    for (const request of requests) expect(JSON.stringify(request)).not.toContain(MARKER);

    // The evaluation containers are gone.
    const left = execFileSync('docker', ['ps', '-aq', '--filter', `label=dev.looplab.eval=${summary.runId}`], {
      encoding: 'utf8',
    });
    expect(left.trim()).toBe('');
  });

  it('hands the run to the person at the attempt limit, and a resume grants one more attempt', async () => {
    const env = await fakeOllama([
      predict('cat cat cat cat'),
      done('Done.'),
      predict('cat dog cat cat'),
      done('Better.'),
      predict('cat dog cat bird'),
      done('Now all four.'),
    ]);
    const stopped = await runCli(['run', '--spec', writeSpec(2), '--json'], { env });
    expect(stopped.code).toBe(4);
    const summary = JSON.parse(stopped.stdout) as { runId: string; reason: string };
    expect(summary.reason).toBe(
      'Attempt limit of 2 reached; best accuracy = 0.75 (target ≥ 0.9). Resume for one more attempt, or fork to change course.',
    );
    const resumed = await runCli(['resume', summary.runId, '--json'], { env });
    expect(resumed.code).toBe(0);
    expect((JSON.parse(resumed.stdout) as { reason: string }).reason).toBe(
      'Target reached: accuracy = 1 (target ≥ 0.9) on attempt 3.',
    );
  });

  it('refuses a spec with a mistake, naming its line, and records nothing', async () => {
    const env = await fakeOllama([]);
    const file = join(specDir, 'broken.yaml');
    writeFileSync(file, 'name: broken\ngoal: Go\nevaluation:\n  command: score\n  metric: 3\n');
    const result = await runCli(['run', '--spec', file], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'broken.yaml:5:11 evaluation.metric: Invalid input: expected string, received number',
    );
    const host = await runCli(['run', '--spec', writeSpec(2), '--host-exec'], { env });
    expect(host.code).toBe(2);
    expect(host.stderr).toContain('An evaluation gate needs the sandbox');
    expect(readdirSync(home.paths.workspaces)).toEqual([]);
    expect((await runCli(['runs', '--json'], { env })).stdout).toBe('[]\n');
  });
});
