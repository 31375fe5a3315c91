// Running a loop again from history, as a person does with the `looplab` command: a run saved with
// `spec save` keeps the data and parameters it started with, so `run --spec NAME` starts where it
// started; and the messages and exit codes of saving, checking and ending a run say what happened.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/main/app';
import type { FakeServer } from './fakes/http-fake';
import { startOllamaServer } from './fakes/ollama-server';
import type { Turn } from './fakes/script';
import { runCli } from './helpers/cli';
import { requireDocker, skipDocker } from './helpers/docker';
import { makeTempHome, type TempHome } from './helpers/temp-home';

let home: TempHome;
let specDir: string;
let server: FakeServer | undefined;

beforeEach(() => {
  home = makeTempHome();
  specDir = mkdtempSync(join(tmpdir(), 'looplab-rerun-'));
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  home.remove();
  rmSync(specDir, { recursive: true, force: true });
});

async function fakeOllama(turns: Turn[]): Promise<NodeJS.ProcessEnv> {
  server = await startOllamaServer({ turns });
  return { OLLAMA_HOST: server.url, LOOPLAB_HOME: home.paths.root };
}

interface Shown {
  run: { status: string };
  events: { type: string; payload: Record<string, unknown> }[];
}

async function firstToolOutput(runId: string, env: NodeJS.ProcessEnv): Promise<string> {
  const shown = JSON.parse((await runCli(['show', runId, '--json'], { env })).stdout) as Shown;
  return shown.events.find((event) => event.type === 'tool.finished')!.payload.output as string;
}

const LOOK: Turn = {
  toolCalls: [{ name: 'bash', arguments: { command: 'ls -A; sha256sum q2.txt; cat q2.txt' } }],
};

describe('saving and checking specs, without a model', () => {
  it('refuses a bad spec name in one line naming the rule, with exit 2', async () => {
    const env = { LOOPLAB_HOME: home.paths.root };
    const result = await runCli(['spec', 'save', 'run_abc', 'bad name!'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '"bad name!" cannot be a spec name: use letters, digits, ".", "_" or "-", starting with a letter or digit, at most 128 characters.',
    );
    expect(result.stderr).not.toContain('"code"');
  });

  it('spec check refuses runtime: host with an evaluation, as run does', async () => {
    const file = join(specDir, 'loop.yaml');
    writeFileSync(
      file,
      'name: hosted\ngoal: Go\nruntime: host\nevaluation:\n  command: python3 score.py\n  metric: accuracy\n',
    );
    const checked = await runCli(['spec', 'check', file], { env: { LOOPLAB_HOME: home.paths.root } });
    expect(checked.code).toBe(2);
    expect(checked.stderr).toContain('loop.yaml:3:10 runtime: an evaluation gate needs the sandbox');
  });

  it('spec check takes a name spec list shows, as run --spec does', async () => {
    const env = { LOOPLAB_HOME: home.paths.root };
    const checked = await runCli(['spec', 'check', 'text-classifier-finetune'], { env });
    expect(checked.stdout).toBe(
      'text-classifier-finetune: ok (parameters: train, test, model), evaluated by macro_f1\n',
    );
    const unknown = await runCli(['spec', 'check', 'no-such-spec'], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('There is no loop spec file or saved spec named no-such-spec.');
  });
});

describe('export and import say what they did', () => {
  function storedRun(): string {
    const app = createApp({ home: home.paths.root, ui: 'web' });
    try {
      return app.store.createRun({ goal: 'Do nothing', model: 'ollama/qwen2.5-coder:7b', origin: 'new' }).runId;
    } finally {
      app.close();
    }
  }

  it('export writes into the current directory without -o, and never replaces a file without --force', async () => {
    const env = { LOOPLAB_HOME: home.paths.root };
    const runId = storedRun();
    const plain = await runCli(['export', runId], { env, cwd: specDir });
    expect(plain.code).toBe(0);
    expect(existsSync(join(specDir, `${runId}.looplab.gz`))).toBe(true);

    const file = join(specDir, 'mine.gz');
    writeFileSync(file, 'keep me');
    const refused = await runCli(['export', runId, '-o', file], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${file} already exists; export does not overwrite it.`);
    expect(refused.stderr).toContain('--force');
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    const forced = await runCli(['export', runId, '-o', file, '--force'], { env });
    expect(forced.code).toBe(0);
    expect(readFileSync(file, 'utf8')).not.toBe('keep me');
  });

  it('import of a missing file is bad input (exit 2), naming the path', async () => {
    const missing = join(specDir, 'nowhere.looplab.gz');
    const result = await runCli(['import', missing], { env: { LOOPLAB_HOME: home.paths.root } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`There is no file ${missing} to import.`);
  });
});

describe.skipIf(skipDocker)('looplab spec save, then run --spec', () => {
  beforeAll(() => requireDocker());

  it('keeps the data and parameters the run started with: the first tool sees the same bytes', async () => {
    writeFileSync(join(specDir, 'q1.txt'), 'first questions\n');
    writeFileSync(join(specDir, 'q2.txt'), Buffer.from([0x71, 0x32, 0x0a, 0xff, 0x00, 0x01, 0x0a]));
    const file = join(specDir, 'loop.yaml');
    writeFileSync(
      file,
      'name: answer\ngoal: Answer the questions in {{questions}}.\nparams:\n  questions: { default: q1.txt }\ndata: [ "{{questions}}" ]\nbudget: { tokens: 900000 }\n',
    );
    const env = await fakeOllama([LOOK, { text: ['Read them.'] }, LOOK, { text: ['Read them again.'] }]);
    const first = await runCli(['run', '--spec', file, '--param', 'questions=q2.txt', '--approve', 'auto', '--json'], {
      env,
    });
    expect(first.code).toBe(0);
    const firstId = (JSON.parse(first.stdout) as { runId: string }).runId;

    const saved = await runCli(['spec', 'save', firstId, 'answer-again'], { env });
    expect(saved.stderr).toBe('');
    expect(saved.code).toBe(0);
    const specFile = join(home.paths.root, 'specs', 'answer-again', 'loop.yaml');
    expect(saved.stdout).toContain(`Saved answer-again to ${specFile}.`);
    const spec = parse(readFileSync(specFile, 'utf8')) as Record<string, unknown>;
    expect(spec).toMatchObject({
      goal: 'Answer the questions in {{questions}}.',
      params: { questions: { default: 'q2.txt' } },
      data: ['{{questions}}'],
      budget: { tokens: 900000 },
    });
    expect(Object.keys(spec.checksums as object)).toEqual(['q2.txt']);

    const again = await runCli(['run', '--spec', 'answer-again', '--approve', 'auto', '--json'], { env });
    expect(again.code).toBe(0);
    const againId = (JSON.parse(again.stdout) as { runId: string }).runId;
    const seen = await firstToolOutput(firstId, env);
    expect(seen).toContain('q2.txt');
    expect(await firstToolOutput(againId, env)).toBe(seen);

    // The copy in the spec's folder is the file the run started with, byte for byte.
    expect(readFileSync(join(home.paths.root, 'specs', 'answer-again', 'q2.txt'))).toEqual(
      readFileSync(join(specDir, 'q2.txt')),
    );
    const taken = await runCli(['spec', 'save', firstId, 'answer-again'], { env });
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('A spec named answer-again is already saved');
  });

  it('ends at the attempt limit without a target as finished, with advice resume does not contradict', async () => {
    writeFileSync(join(specDir, 'score.py'), 'import json\nprint(json.dumps({"accuracy": 0.5}))\n');
    const file = join(specDir, 'loop.yaml');
    writeFileSync(
      file,
      'name: open-ended\ngoal: Do it.\nevaluation:\n  command: python3 /heldout/score.py\n  metric: accuracy\n  heldOut: [ score.py ]\n  retry: { maxAttempts: 1 }\n',
    );
    const env = await fakeOllama([{ text: ['Done.'] }]);
    const ended = await runCli(['run', '--spec', file, '--json'], { env });
    expect(ended.code).toBe(0);
    const summary = JSON.parse(ended.stdout) as { runId: string; status: string; reason: string };
    expect(summary.status).toBe('finished');
    expect(summary.reason).toBe(
      'Attempt limit of 1 reached; best accuracy = 0.5. It has finished: run the spec again with a higher retry.maxAttempts, or fork to change course.',
    );
    const resumed = await runCli(['resume', summary.runId], { env });
    expect(resumed.stderr).toContain('has finished; there is nothing to resume');

    // Saved here, the spec keeps its evaluation with a copy of the held-out scorer beside it.
    expect((await runCli(['spec', 'save', summary.runId, 'scored'], { env })).code).toBe(0);
    const scored = parse(readFileSync(join(home.paths.root, 'specs', 'scored', 'loop.yaml'), 'utf8')) as {
      evaluation: { heldOut: string[] };
      checksums: Record<string, string>;
    };
    expect(scored.evaluation.heldOut).toEqual(['heldout/score.py']);
    expect(Object.keys(scored.checksums)).toEqual(['heldout/score.py']);

    // Imported elsewhere, it keeps only its own snapshot: no recorded path, no evaluation.
    const archive = join(specDir, 'run.looplab.gz');
    expect((await runCli(['export', summary.runId, '-o', archive], { env })).code).toBe(0);
    const other = makeTempHome();
    try {
      const otherEnv = { ...env, LOOPLAB_HOME: other.paths.root };
      expect((await runCli(['import', archive], { env: otherEnv })).code).toBe(0);
      const elsewhere = await runCli(['spec', 'save', summary.runId, 'from-elsewhere'], { env: otherEnv });
      expect(elsewhere.stderr).toBe('');
      expect(elsewhere.code).toBe(0);
      expect(elsewhere.stdout).toContain('The evaluation is left out: the run came from elsewhere');
      const text = readFileSync(join(other.paths.root, 'specs', 'from-elsewhere', 'loop.yaml'), 'utf8');
      expect(text).not.toContain(specDir);
      expect(text).not.toContain('evaluation');
    } finally {
      other.remove();
    }
  });

  it('--approve ask with no terminal tells the model there was no terminal to ask on', async () => {
    const env = await fakeOllama([
      { toolCalls: [{ name: 'write', arguments: { path: 'a.txt', content: 'a\n' } }] },
      { text: ['I will not write it.'] },
    ]);
    const result = await runCli(
      ['run', '--model', 'ollama/qwen2.5-coder:7b', '--require-approval', 'write', '--approve', 'ask', 'Write a.txt'],
      { env },
    );
    expect(result.code).toBe(0);
    const chats = server!.requests.filter((request) => request.path === '/api/chat');
    const last = chats.at(-1)!.body as { messages: { role: string; content: string }[] };
    expect(last.messages.filter((message) => message.role === 'tool').map((message) => message.content)).toEqual([
      'This call was not run: there was no terminal to ask the person on: the run was started with --approve ask. Rerun with --approve auto or deny.',
    ]);
  });
});
