// A model's tool arguments that look like the store's blob references (`{"$blob": …, "size": n}`) are
// data, never a path: show, export (both formats), compare and the next model request after a resume
// give back the object exactly as the model sent it, never the text of /etc/passwd, of another run's
// blob, or a hang on a pipe. A reference that did get stored unchecked (an older Looplab) is refused
// with the event named, and nothing is read.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AgentLoop } from '../../src/main/core/loop';
import { SYSTEM_PROMPT } from '../../src/main/core/system-prompt';
import { defineTool } from '../../src/main/core/tool';
import { openStore } from '../../src/main/store/open-store';
import { builtinTools } from '../../src/main/tools';
import { FolderWorkspace } from '../../src/main/tools/folder-workspace';
import { loopConfigSchema } from '../../src/shared/loop-config';
import { runCli } from '../helpers/cli';
import { ScriptedModel } from '../helpers/scripted-model';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

const PASSWD_LINE = readFileSync('/etc/passwd', 'utf8').split('\n')[0]!;
const SECRET = 'OTHER-RUN-SECRET-7f3a9c';
const secretText = `${SECRET}\n${'s'.repeat(10_000)}`;
const secretHash = createHash('sha256').update(secretText).digest('hex');

let home: TempHome;
let fifo: string;
let runId: string;
let secretRunId: string;
let sentArgs: Record<string, unknown>;
let resumedRequest: string;

/** A tool that stops the run when called, so that the run can be resumed. */
function stopper(controller: AbortController) {
  return defineTool({
    name: 'note',
    description: 'takes a note',
    input: z.record(z.string(), z.unknown()),
    risk: 'read',
    summarize: () => 'note',
    run: (_input, ctx) =>
      new Promise((_resolve, reject) => {
        ctx.signal.addEventListener('abort', () => reject(new Error('aborted')));
        controller.abort(new Error('stop'));
      }),
  });
}

function loopFor(
  store: ReturnType<typeof openStore>['store'],
  id: string,
  model: ScriptedModel,
  tool: ReturnType<typeof stopper>,
) {
  const workspace = join(home.paths.workspaces, id);
  mkdirSync(workspace, { recursive: true });
  return new AgentLoop(
    {
      log: store,
      provider: model,
      modelName: 'scripted/test',
      model: 'test',
      modelInfo: { contextLength: 32_768, supportsTools: true },
      tools: [...builtinTools, tool],
      workspace: new FolderWorkspace(workspace),
      gate: { decide: async () => ({ decision: 'approved' }) },
      systemPrompt: SYSTEM_PROMPT,
      price: () => 0,
      clock: { now: () => Date.now(), sleep: async () => undefined },
    },
    id,
    loopConfigSchema.parse({}),
  );
}

beforeAll(async () => {
  home = makeTempHome();
  fifo = join(home.paths.root, 'pipe');
  execFileSync('mkfifo', [fifo]);
  const up = '../'.repeat(40);
  sentArgs = {
    passwd: { $blob: `${up}etc/passwd`, size: 5 },
    passwdShort: { $blob: '../../../../etc/passwd', size: 5 },
    other: { $blob: secretHash, size: 5, preview: 'x' },
    pipe: { $blob: `${up}${fifo.slice(1)}`, size: 5, preview: '' },
    escaped: { $$blob: 'kept as it was', size: 1 },
    list: [{ $blob: `${up}etc/passwd`, size: 1 }],
  };
  const opened = openStore(home.paths);
  try {
    const secretRun = opened.store.createRun({ goal: 'Another run', model: 'scripted/test', origin: 'new' });
    secretRunId = secretRun.runId;
    opened.store.append(secretRunId, [{ type: 'message.user', payload: { text: secretText, source: 'person' } }]);
    expect(opened.store.blobs.has(secretHash)).toBe(true);

    runId = opened.store.createRun({ goal: 'Take a note', model: 'scripted/test', origin: 'new' }).runId;
    const controller = new AbortController();
    const model = new ScriptedModel([{ calls: [{ name: 'note', args: sentArgs }] }]);
    const first = await loopFor(opened.store, runId, model, stopper(controller)).run(controller.signal);
    expect(first.status).toBe('interrupted');

    const resumed = new ScriptedModel([{ text: 'Done.' }]);
    const again = await loopFor(opened.store, runId, resumed, stopper(new AbortController())).run(
      new AbortController().signal,
    );
    expect(again.status).toBe('finished');
    resumedRequest = JSON.stringify(resumed.requests[0]!.messages);
  } finally {
    opened.close();
  }
}, 60_000);

afterAll(() => home.remove());

function expectNoLeak(text: string): void {
  expect(text).not.toContain(PASSWD_LINE);
  expect(text).not.toContain('root:x:0:0');
  expect(text).not.toContain(SECRET);
}

/** The args of the run's recorded tool call, as a reader of the output finds them. */
function recordedArgs(events: { type: string; payload: { args?: unknown } }[]): unknown {
  return events.find((event) => event.type === 'tool.started')?.payload.args;
}

describe('blob references in data given to the store', () => {
  it('reach the resumed model request as the model sent them', () => {
    expectNoLeak(resumedRequest);
    expect(resumedRequest).toContain(JSON.stringify(JSON.stringify(sentArgs)).slice(1, -1));
  });

  it('come back from `looplab show --json` exactly as sent, and --no-blobs shows them escaped', async () => {
    const shown = await runCli(['show', runId, '--json', '--home', home.paths.root]);
    expect(shown.stderr).toBe('');
    expect(shown.code).toBe(0);
    expectNoLeak(shown.stdout);
    expect(recordedArgs(JSON.parse(shown.stdout).events)).toEqual(sentArgs);

    const raw = await runCli(['show', runId, '--json', '--no-blobs', '--home', home.paths.root]);
    expect(raw.code).toBe(0);
    expectNoLeak(raw.stdout);
    expect(recordedArgs(JSON.parse(raw.stdout).events)).toMatchObject({
      passwd: { $$blob: sentArgs.passwd && `${'../'.repeat(40)}etc/passwd` },
      escaped: { $$$blob: 'kept as it was' },
    });
    const text = await runCli(['show', runId, '--home', home.paths.root]);
    expect(text.code).toBe(0);
    expectNoLeak(text.stdout);
  });

  it('are exported as sent, in both formats, and import back the same', async () => {
    const file = join(home.paths.root, 'run.looplab.gz');
    const exported = await runCli(['export', runId, '-o', file, '--home', home.paths.root]);
    expect(exported.code).toBe(0);
    expectNoLeak(gunzipSync(readFileSync(file)).toString('utf8'));
    const otelFile = join(home.paths.root, 'run.otel.json');
    const otel = await runCli(['export', runId, '--format', 'otel', '-o', otelFile, '--home', home.paths.root]);
    expect(otel.code).toBe(0);
    expectNoLeak(readFileSync(otelFile, 'utf8'));

    const elsewhere = makeTempHome();
    try {
      const imported = await runCli(['import', file, '--home', elsewhere.paths.root]);
      expect(imported.stderr).toBe('');
      expect(imported.code).toBe(0);
      const shown = await runCli(['show', runId, '--json', '--home', elsewhere.paths.root]);
      expect(recordedArgs(JSON.parse(shown.stdout).events)).toEqual(sentArgs);
    } finally {
      elsewhere.remove();
    }
  });

  it('are compared as sent', async () => {
    const compared = await runCli(['compare', runId, secretRunId, '--json', '--home', home.paths.root]);
    expect(compared.code).toBe(0);
    expectNoLeak(compared.stdout);
    const text = await runCli(['compare', runId, secretRunId, '--home', home.paths.root]);
    expect(text.code).toBe(0);
    expectNoLeak(text.stdout);
  });

  it('stored unchecked by an older Looplab, are refused with the event named, and never read', async () => {
    const db = new Database(home.paths.database);
    const key = db.prepare('SELECT key FROM run_keys WHERE id = ?').pluck().get(runId) as number;
    const seq = (db.prepare('SELECT max(seq) FROM events WHERE run_key = ?').pluck().get(key) as number) + 1;
    const id = (db.prepare('SELECT max(id) FROM events').pluck().get() as number) + 1;
    const payload = { callId: 'tc_old', tool: 'note', args: { pipe: sentArgs.pipe } };
    db.prepare('INSERT INTO events (id, run_key, seq, type, payload, time) VALUES (?, ?, ?, ?, ?, ?)').run(
      id,
      key,
      seq,
      'tool.started',
      JSON.stringify(payload),
      Date.now(),
    );
    db.close();
    const shown = await runCli(['show', runId, '--json', '--home', home.paths.root]);
    expect(shown.code).not.toBe(0);
    expect(shown.stderr).toContain(`Event #${seq} (tool.started) of ${runId} refers to blob`);
    expectNoLeak(shown.stdout + shown.stderr);
  }, 30_000);
});
