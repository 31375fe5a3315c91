// `looplab fork` as a person would use it, against a fake Ollama on 127.0.0.1 through the real client
// and the real Docker sandbox: a fork from an earlier step with a new message, and the errors a wrong
// run or step gives, with their exit codes.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/main/app';
import type { FakeServer } from './fakes/http-fake';
import { startOllamaServer } from './fakes/ollama-server';
import type { Turn } from './fakes/script';
import { runCli } from './helpers/cli';
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

function chatRequests(): { messages: { role: string; content: string }[] }[] {
  return server!.requests.filter((request) => request.path === '/api/chat').map((request) => request.body as never);
}

interface Shown {
  run: { parentRunId: string | null; parentSeq: number | null };
  events: { seq: number; type: string }[];
}

async function show(runId: string, env: NodeJS.ProcessEnv): Promise<Shown> {
  return JSON.parse((await runCli(['show', runId, '--json'], { env })).stdout) as Shown;
}

describe.skipIf(skipDocker)('looplab fork', () => {
  beforeAll(() => requireDocker());

  it('forks a run from the step after its first write, with a new message', async () => {
    const env = await fakeOllama([
      { toolCalls: [{ name: 'write', arguments: { path: 'a.txt', content: 'first\n' } }] },
      { toolCalls: [{ name: 'edit', arguments: { path: 'a.txt', old_str: 'first', new_str: 'second' } }] },
      { toolCalls: [{ name: 'write', arguments: { path: 'b.txt', content: 'bee\n' } }] },
      { text: ['Wrote both.'] },
      // The fork's turns.
      { toolCalls: [{ name: 'write', arguments: { path: 'c.txt', content: 'sea\n' } }] },
      { text: ['Wrote c.txt instead.'] },
    ]);
    const parent = await runCli(['run', '--model', MODEL, '--approve', 'auto', '--json', 'Write notes'], { env });
    expect(parent.code).toBe(0);
    const parentId = (JSON.parse(parent.stdout) as { runId: string }).runId;
    const before = await show(parentId, env);
    const at = before.events.find((event) => event.type === 'tool.finished')!.seq;

    const forked = await runCli(
      [
        'fork',
        parentId,
        '--at',
        String(at),
        '--message',
        'Write c.txt instead of b.txt.',
        '--approve',
        'auto',
        '--json',
      ],
      { env },
    );
    expect(forked.stderr).toContain(`forked from ${parentId} at event #${at}`);
    expect(forked.code).toBe(0);
    const summary = JSON.parse(forked.stdout) as { runId: string; status: string; steps: number };
    // Its steps count the parent's first one, which it shares.
    expect(summary).toMatchObject({ status: 'finished', steps: 3 });
    expect(summary.runId).not.toBe(parentId);

    const folder = join(home.paths.workspaces, summary.runId);
    expect(readFileSync(join(folder, 'a.txt'), 'utf8')).toBe('first\n');
    expect(existsSync(join(folder, 'b.txt'))).toBe(false);
    expect(readFileSync(join(folder, 'c.txt'), 'utf8')).toBe('sea\n');
    expect(readFileSync(join(home.paths.workspaces, parentId, 'a.txt'), 'utf8')).toBe('second\n');

    const forkRequest = chatRequests()[4]!;
    expect(forkRequest.messages.slice(1).map((message) => [message.role, message.content])).toEqual([
      ['user', 'Write notes'],
      ['assistant', ''],
      ['tool', 'Wrote a.txt (6 bytes, 2 lines).'],
      ['user', 'Write c.txt instead of b.txt.'],
    ]);

    const child = await show(summary.runId, env);
    expect(child.run).toMatchObject({ parentRunId: parentId, parentSeq: at });
    expect((await show(parentId, env)).events).toEqual(before.events);
    const listed = (await runCli(['runs'], { env })).stdout;
    expect(listed).toContain(`fork of ${parentId} @ ${at}`);
  }, 180_000);

  it('refuses a fork that would only repeat the recorded answer, and feedback without a rejection', async () => {
    const env = await fakeOllama([
      { toolCalls: [{ name: 'write', arguments: { path: 'a.txt', content: 'first\n' } }] },
      { text: ['Not written, then.'] },
    ]);
    const parent = await runCli(
      ['run', '--model', MODEL, '--approve', 'deny', '--require-approval', 'write', '--json', 'Write notes'],
      { env },
    );
    const parentId = (JSON.parse(parent.stdout) as { runId: string }).runId;
    const events = (await show(parentId, env)).events;
    const asked = events.find((event) => event.type === 'approval.requested')!.seq;
    const answered = events.find((event) => event.type === 'approval.resolved')!.seq;

    const same = await runCli(['fork', parentId, '--at', String(asked), '--decision', 'reject'], { env });
    expect(same.code).toBe(2);
    expect(same.stderr).toBe(
      `looplab: At event #${asked} ${parentId} was already rejected (event #${answered}), so the fork would only repeat the run.\nGive --decision approve, or other feedback with --feedback.\n`,
    );
    const feedbackAlone = await runCli(['fork', parentId, '--at', String(asked), '--feedback', 'use b.txt'], { env });
    expect(feedbackAlone.code).toBe(2);
    expect(feedbackAlone.stderr).toBe(
      'looplab: --feedback is the reason for a rejection: it goes with --decision reject.\nAdd --decision reject, or give the model a note with --message instead.\n',
    );
    expect((JSON.parse((await runCli(['runs', '--json'], { env })).stdout) as unknown[]).length).toBe(1);
  }, 120_000);

  it('says clearly when the run or the step cannot be forked', async () => {
    // A run recorded without snapshots (as runs were before them): events #0–#2.
    const app = createApp({ home: home.paths.root, ui: 'web' });
    const runId = app.store.createRun({ goal: 'Do nothing', model: MODEL, origin: 'new' }).runId;
    app.store.append(runId, [
      { type: 'run.status', payload: { status: 'running' } },
      { type: 'run.status', payload: { status: 'finished' } },
    ]);
    app.close();
    const env = { LOOPLAB_HOME: home.paths.root };
    const last = 2;

    const unknown = await runCli(['fork', 'run_nothere', '--at', '2'], { env });
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toBe(
      'looplab: No run run_nothere in this data folder.\nList the runs with `looplab runs`.\n',
    );

    const outOfRange = await runCli(['fork', runId, '--at', String(last + 1)], { env });
    expect(outOfRange.code).toBe(2);
    expect(outOfRange.stderr).toBe(
      `looplab: ${runId} has no event #${last + 1}: its events are #0–#${last}.\nPick a step of the run; \`looplab show ${runId}\` lists its events.\n`,
    );

    const noSnapshot = await runCli(['fork', runId, '--at', '1'], { env });
    expect(noSnapshot.code).toBe(1);
    expect(noSnapshot.stderr).toContain(
      `looplab: ${runId} has no workspace snapshot at or before event #1, so its files at that step are not known.\nFork from a later step`,
    );

    const notANumber = await runCli(['fork', runId, '--at', 'last'], { env });
    expect(notANumber.code).toBe(2);
    expect(notANumber.stderr).toContain('Invalid --at (an event number ≥ 0)');

    const missing = await runCli(['fork', runId], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--at <seq>' not specified");
    expect((JSON.parse((await runCli(['runs', '--json'], { env })).stdout) as unknown[]).length).toBe(1);
  }, 120_000);
});
