// `looplab run` as a person would use it, against a fake Ollama on 127.0.0.1 speaking the real wire
// format through the real `ollama` client: a multi-step run, a denied approval, a readiness failure,
// and a run killed with SIGKILL, seen as interrupted after restart and resumed.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closedPort } from './fakes/collect';
import type { FakeServer } from './fakes/http-fake';
import { startOllamaServer } from './fakes/ollama-server';
import type { Turn } from './fakes/script';
import { runCli, spawnCli, waitForLine } from './helpers/cli';
import { requireDocker, skipDocker } from './helpers/docker';
import { makeTempHome, type TempHome } from './helpers/temp-home';

let home: TempHome;
let server: FakeServer | undefined;

beforeEach(() => {
  home = makeTempHome();
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  home.remove();
});

const MODEL = 'ollama/qwen2.5-coder:7b';

async function fakeOllama(turns: Turn[]): Promise<NodeJS.ProcessEnv> {
  server = await startOllamaServer({ turns });
  return { OLLAMA_HOST: server.url, LOOPLAB_HOME: home.paths.root };
}

function chatRequests(): {
  messages: { role: string; content: string; tool_name?: string }[];
  options?: { num_ctx?: number };
}[] {
  return server!.requests.filter((request) => request.path === '/api/chat').map((request) => request.body as never);
}

function toolResults(request: number): string[] {
  const { messages } = chatRequests()[request]!;
  return messages.filter((message) => message.role === 'tool').map((message) => message.content);
}

/** The sandbox containers left for a run, by label: none once it has ended. */
function containersOf(runId: string): string[] {
  const output = execFileSync('docker', ['ps', '-a', '-q', '--filter', `label=dev.looplab.run=${runId}`], {
    encoding: 'utf8',
  });
  return output.split('\n').filter((line) => line !== '');
}

const writeTurn: Turn = {
  text: ['Writing the baseline script.'],
  toolCalls: [{ name: 'write', arguments: { path: 'baseline.py', content: 'print("f1=0.81")\n' } }],
  usage: { input: 900, output: 40 },
};

describe.skipIf(skipDocker)('looplab run', () => {
  beforeAll(() => requireDocker());

  it('completes a multi-step run whose tool results reach the model in the next request', async () => {
    const env = await fakeOllama([
      writeTurn,
      { toolCalls: [{ name: 'read', arguments: { path: 'baseline.py' } }], usage: { input: 1000, output: 20 } },
      { text: ['The baseline script is written and reads back correctly.'], usage: { input: 1100, output: 30 } },
    ]);
    const result = await runCli(['run', '--model', MODEL, '--approve', 'auto', '--json', 'Write a baseline script'], {
      env,
    });
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { runId: string };
    expect(summary).toEqual({
      runId: expect.stringMatching(/^run_/),
      status: 'finished',
      reason: null,
      steps: 3,
      toolCalls: 2,
      tokens: { input: 3000, output: 90 },
      cost: 0,
    });
    expect(result.stderr).toContain('→ write · {"path":"baseline.py"');
    expect(readFileSync(join(home.paths.workspaces, summary.runId, 'baseline.py'), 'utf8')).toBe('print("f1=0.81")\n');
    expect(containersOf(summary.runId)).toEqual([]);
    expect(chatRequests().map((request) => request.options?.num_ctx)).toEqual([32768, 32768, 32768]);
    expect(toolResults(1)).toEqual(['Wrote baseline.py (17 bytes, 2 lines).']);
    expect(toolResults(2)[1]).toBe('     1  print("f1=0.81")\n     2  ');

    const shown = await runCli(['show', summary.runId, '--json'], { env });
    const events = (JSON.parse(shown.stdout) as { events: { type: string }[] }).events.map((event) => event.type);
    expect(events).toEqual([
      'run.created',
      'run.status',
      'workspace.snapshot',
      ...['model.started', 'model.finished', 'tool.started', 'workspace.snapshot', 'tool.finished'],
      ...['model.started', 'model.finished', 'tool.started', 'tool.finished'],
      ...['model.started', 'model.finished'],
      'run.status',
    ]);
  });

  it('does not run a write that needs approval under --approve deny, and the model reads why', async () => {
    const env = await fakeOllama([writeTurn, { text: ['Understood, I will not write files.'] }]);
    const result = await runCli(
      ['run', '--model', MODEL, '--require-approval', 'write', '--approve', 'deny', '--json', 'Write a baseline'],
      { env },
    );
    expect(result.code).toBe(0);
    const { runId } = JSON.parse(result.stdout) as { runId: string };
    expect(existsSync(join(home.paths.workspaces, runId, 'baseline.py'))).toBe(false);
    expect(toolResults(1)).toEqual([
      "The run's approval policy rejected this call: Rejected by the headless policy (--approve deny; ask write).",
    ]);
  });

  it('records the network allow-list of --network, and refuses a malformed one before anything is recorded', async () => {
    const env = await fakeOllama([{ text: ['Nothing to do.'] }]);
    const bad = await runCli(['run', '--model', MODEL, '--network', 'allow:pypi,exa_mple.org', 'Say hi'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--network allow:pypi,exa_mple.org: "exa_mple.org" is not a host name');
    expect(readdirSync(home.paths.workspaces)).toEqual([]);

    const result = await runCli(
      ['run', '--model', MODEL, '--network', 'allow:pypi,*.example.org', '--json', 'Say hi'],
      { env },
    );
    expect(result.code).toBe(0);
    const { runId } = JSON.parse(result.stdout) as { runId: string };
    const shown = await runCli(['show', runId, '--json'], { env });
    const created = (JSON.parse(shown.stdout) as { events: { type: string; payload: { config?: unknown } }[] })
      .events[0];
    expect(created?.payload.config).toMatchObject({ network: { allow: ['pypi', '*.example.org'] } });
    const listed = await runCli(['runs', '--json'], { env });
    expect(JSON.parse(listed.stdout)).toMatchObject([{ id: runId, network: 'allow' }]);
  });

  it('asks for no more context than --context-length', async () => {
    const env = await fakeOllama([{ text: ['Nothing to do.'] }]);
    const result = await runCli(['run', '--model', MODEL, '--context-length', '4096', 'Say hi'], { env });
    expect(result.code).toBe(0);
    expect(chatRequests().map((request) => request.options?.num_ctx)).toEqual([4096]);
  });

  it('prices tokens from the table in settings.json', async () => {
    const env = await fakeOllama([{ text: ['Done.'], usage: { input: 1000, output: 500 } }]);
    writeFileSync(home.paths.settings, JSON.stringify({ prices: { [MODEL]: { input: 1, output: 2 } } }));
    const result = await runCli(['run', '--model', MODEL, '--json', 'Say hi'], { env });
    expect(JSON.parse(result.stdout)).toMatchObject({
      status: 'finished',
      tokens: { input: 1000, output: 500 },
      cost: 0.002,
    });
    writeFileSync(home.paths.settings, '{"prices": [}');
    const broken = await runCli(['run', '--model', MODEL, 'Say hi'], { env });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain(`${home.paths.settings} is not valid JSON`);
  });

  it('stops at the step limit with its own exit status, and goes on when resumed with a higher one', async () => {
    const env = await fakeOllama([writeTurn, { text: ['All done.'] }]);
    const stopped = await runCli(['run', '--model', MODEL, '--max-steps', '1', '--json', 'Write a baseline'], { env });
    expect(stopped.code).toBe(4);
    const { runId, status, reason } = JSON.parse(stopped.stdout) as { runId: string; status: string; reason: string };
    expect([status, reason]).toEqual(['stopped', 'Step limit of 1 reached.']);
    const again = await runCli(['resume', runId], { env });
    expect(again.code).toBe(4);
    const resumed = await runCli(['resume', runId, '--max-steps', '5', '--json'], { env });
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ runId, status: 'finished', steps: 2 });
    // The raised limit is part of the record, so a later resume keeps it; the plain resume added nothing.
    const shown = JSON.parse((await runCli(['show', runId, '--json'], { env })).stdout) as {
      events: { type: string; payload: unknown }[];
    };
    expect(shown.events.filter((event) => event.type === 'run.limits').map((event) => event.payload)).toEqual([
      { maxSteps: 5 },
    ]);
  });

  it('never lets an API key from the environment reach the store or the model', async () => {
    const key = 'sk-proj-LOOPLABtestKEY0123456789abcdef';
    const env = {
      ...(await fakeOllama([
        { toolCalls: [{ name: 'bash', arguments: { command: 'echo "the key is $OPENAI_API_KEY"' } }] },
        { text: ['Done.'] },
      ])),
      OPENAI_API_KEY: key,
    };
    const result = await runCli(['run', '--model', MODEL, '--host-exec', '--approve', 'auto', `Use ${key} carefully`], {
      env,
    });
    expect(result.code).toBe(0);
    expect(toolResults(1)).toEqual(['the key is [redacted]\n[exit code 0]']);
    const stored = readdirSync(home.paths.root, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => readFileSync(join(entry.parentPath, entry.name)).toString('latin1'));
    expect(stored.filter((content) => content.includes('the key is [redacted]'))).toHaveLength(1);
    expect(stored.filter((content) => content.includes(key))).toEqual([]);
    expect(JSON.stringify(server!.requests)).not.toContain(key);
  });

  it('says what to do when the model is not installed or the server is down, recording nothing', async () => {
    const env = await fakeOllama([]);
    const missing = await runCli(['run', '--model', 'ollama/llama9:70b', 'anything'], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('ollama pull llama9:70b');
    const down = await runCli(['run', '--model', MODEL, 'anything'], {
      env: { ...env, OLLAMA_HOST: `http://127.0.0.1:${await closedPort()}` },
    });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('ollama serve');
    expect((await runCli(['runs', '--json'], { env })).stdout).toBe('[]\n');
  });

  it('shows a run killed with SIGKILL as interrupted after restart, losing nothing, and resumes it', async () => {
    const env = await fakeOllama([
      writeTurn,
      { text: ['Now training'], stallAfter: 1 },
      { text: ['Resumed: the script is in place.'] },
    ]);
    const child = spawnCli(['run', '--model', MODEL, '--approve', 'auto', 'Train and report'], { env });
    await waitForLine(child, /✓ Wrote baseline\.py/);
    await waitForLine(child, /Now training/);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    const listed = JSON.parse((await runCli(['runs', '--json'], { env })).stdout) as {
      id: string;
      status: string;
      reason: string;
    }[];
    expect(listed.map((run) => run.status)).toEqual(['interrupted']);
    const runId = listed[0]!.id;
    const before = JSON.parse((await runCli(['show', runId, '--json'], { env })).stdout) as {
      events: { type: string }[];
    };
    expect(before.events.map((event) => event.type)).toEqual([
      'run.created',
      'run.status',
      'workspace.snapshot',
      'model.started',
      'model.finished',
      'tool.started',
      'workspace.snapshot',
      'tool.finished',
      'model.started',
      'run.status',
    ]);

    const resumed = await runCli(['resume', runId, '--approve', 'auto', '--json'], { env });
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ runId, status: 'finished', steps: 3 });
    const after = JSON.parse((await runCli(['show', runId, '--json'], { env })).stdout) as {
      events: { type: string; payload: unknown }[];
    };
    expect(after.events.slice(0, before.events.length)).toEqual(before.events);
    expect(after.events.slice(before.events.length).map((event) => event.type)).toEqual([
      'run.status',
      'model.finished',
      'model.started',
      'model.finished',
      'run.status',
    ]);
    expect(after.events[before.events.length + 1]!.payload).toMatchObject({ finishReason: 'interrupted' });
    expect(containersOf(runId)).toEqual([]);
  });
});
