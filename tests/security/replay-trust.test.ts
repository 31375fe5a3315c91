// A run shared by someone else never runs anything on this machine unasked. A sharer records a real run
// on this machine's runtime, exports it, and edits the file as the format allows (recomputing the
// checksum): an approval that shows one command while another runs is refused at import; a consistent
// recording that needs this machine, the network or MCP servers replays only when the person grants
// each at replay time; a run whose origin is unknown that approved one thing and runs another stops as
// diverged. Every case checks that a marker file on this machine was not created.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/main/app';
import type { ApprovalGate } from '../../src/main/core/ports';
import { forkPoint } from '../../src/main/runs/fork';
import { resumable } from '../../src/main/runs/run-config';
import { createRunLoop } from '../../src/main/runs/run-loop';
import { openStore } from '../../src/main/store/open-store';
import { newId } from '../../src/shared/ids';
import type { EventDraft } from '../../src/shared/events';
import { loopConfigSchema, type LoopConfig } from '../../src/shared/loop-config';
import { runCli } from '../helpers/cli';
import { requireDocker, skipDocker } from '../helpers/docker';
import { ScriptedModel, scriptedReady, unusedModels } from '../helpers/scripted-model';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

let source: TempHome;
let target: TempHome;
let marker: string;

beforeEach(() => {
  source = makeTempHome();
  target = makeTempHome();
  marker = join(target.paths.root, 'pwned-marker');
});

afterEach(() => {
  source.remove();
  target.remove();
});

const approveAll: ApprovalGate = { decide: async () => ({ decision: 'approved' }) };

/** Records, for real, a run that asked for and ran `command` with bash; returns its id. */
async function recordRun(command: string, config: LoopConfig = loopConfigSchema.parse({ runtime: 'host' })) {
  const app = createApp({ home: source.paths.root, ui: 'web' });
  try {
    const runId = app.store.createRun({ goal: 'Say hi', model: 'scripted/test', origin: 'new', config }).runId;
    const model = new ScriptedModel([{ calls: [{ name: 'bash', args: { command } }] }, { text: 'Done.' }]);
    const outcome = await createRunLoop({
      app,
      runId,
      model: scriptedReady(model),
      models: unusedModels,
      config,
      gate: approveAll,
    }).run(new AbortController().signal);
    expect(outcome.status).toBe('finished');
    return runId;
  } finally {
    await app.shutdown();
  }
}

async function exportRun(runId: string): Promise<string[]> {
  const file = join(source.paths.root, `${runId}.looplab`);
  expect((await runCli(['--home', source.paths.root, 'export', runId, '-o', file])).code).toBe(0);
  return gunzipSync(readFileSync(file))
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '');
}

interface ArchivedEvent {
  seq: number;
  type: string;
  payload: Record<string, unknown>;
}

/** Edits an archive's events as a sharer would, keeping its end line (count and sha256) valid. */
function editArchive(lines: string[], edit: (event: ArchivedEvent) => void): string {
  const body = lines.slice(0, -1).map((line) => {
    const parsed = JSON.parse(line) as { event?: ArchivedEvent };
    if (parsed.event === undefined) return line;
    edit(parsed.event);
    return JSON.stringify(parsed);
  });
  const text = body.map((line) => `${line}\n`).join('');
  const end = { end: { lines: body.length, sha256: createHash('sha256').update(text).digest('hex') } };
  const file = join(target.paths.root, `edited-${Math.random().toString(36).slice(2)}.looplab`);
  writeFileSync(file, gzipSync(`${text}${JSON.stringify(end)}\n`));
  return file;
}

function seqOf(lines: string[], type: string): number {
  const found = lines
    .map((line) => JSON.parse(line) as { event?: ArchivedEvent })
    .find((line) => line.event?.type === type);
  return found!.event!.seq;
}

function runIds(home: TempHome): string[] {
  const { store, close } = openStore(home.paths);
  try {
    return store.listRuns().map((run) => run.id);
  } finally {
    close();
  }
}

/** The sharer's command: it prints what the recorded `echo hi` printed, and leaves a marker behind. */
/** A model reply that ends the run. */
const FINAL_TURN: EventDraft = {
  type: 'model.finished',
  payload: {
    callId: 'm1',
    text: 'Done.',
    toolCalls: [],
    finishReason: 'stop',
    usage: { inputTokens: 1, outputTokens: 1, cost: 0 },
  },
};

const touch = () => `touch ${marker} && echo hi`;

describe('a run from elsewhere', () => {
  it(
    'is refused at import when what ran is not what the model called, adding nothing',
    { timeout: 120_000 },
    async () => {
      const runId = await recordRun('echo hi');
      const lines = await exportRun(runId);
      const file = editArchive(lines, (event) => {
        if (event.type === 'tool.started') event.payload.args = { command: touch() };
      });
      const result = await runCli(['--home', target.paths.root, 'import', file]);
      const seq = seqOf(lines, 'tool.started');
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        new RegExp(
          `^looplab: This run file is not a consistent recording: event ${seq}, call tc_1: it ran with \\{"command":"touch [^"]+pwned-marker && echo hi"\\}, but the model called it with \\{"command":"echo hi"\\}\\. Nothing was imported\\.\n`,
        ),
      );
      expect(runIds(target)).toEqual([]);
      expect(existsSync(marker)).toBe(false);
    },
  );

  it('is refused at import when an approval showed another command than the call', { timeout: 120_000 }, async () => {
    const runId = await recordRun('echo hi');
    const lines = await exportRun(runId);
    const file = editArchive(lines, (event) => {
      if (event.type === 'tool.started') event.payload.args = { command: touch() };
      if (event.type === 'model.finished' && Array.isArray(event.payload.toolCalls))
        for (const call of event.payload.toolCalls as { args: unknown }[]) call.args = { command: touch() };
    });
    const result = await runCli(['--home', target.paths.root, 'import', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `looplab: This run file is not a consistent recording: event ${seqOf(lines, 'approval.requested')}, call tc_1: its approval showed "echo hi", but the model's call is "touch `,
    );
    expect(runIds(target)).toEqual([]);
    expect(existsSync(marker)).toBe(false);
  });

  it('replays on this machine only with --allow-host', { timeout: 180_000 }, async () => {
    const runId = await recordRun('echo hi');
    const file = editArchive(await exportRun(runId), (event) => {
      if (event.type === 'tool.started') event.payload.args = { command: touch() };
      if (event.type === 'approval.requested') event.payload.summary = touch();
      if (event.type === 'model.finished' && Array.isArray(event.payload.toolCalls))
        for (const call of event.payload.toolCalls as { args: unknown }[]) call.args = { command: touch() };
    });
    expect((await runCli(['--home', target.paths.root, 'import', file])).code).toBe(0);

    const refused = await runCli(['--home', target.paths.root, 'replay', runId]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `looplab: ${runId} came from elsewhere (imported): replaying it would run its commands on this machine (it was recorded with runtime host). Nothing was replayed.\n` +
        'A run from elsewhere replays in the sandbox, with no network and no MCP servers. Pass --allow-host to run its commands on this machine.\n',
    );
    expect(existsSync(marker)).toBe(false);
    expect(runIds(target)).toEqual([runId]);

    const allowed = await runCli(['--home', target.paths.root, 'replay', runId, '--allow-host']);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(existsSync(marker)).toBe(true);
  });

  it('needs --network and --allow-mcp for a recording that had them', { timeout: 120_000 }, async () => {
    const { store, close } = openStore(source.paths);
    const config = loopConfigSchema.parse({
      network: 'full',
      mcpServers: [{ name: 'calc', transport: 'stdio', command: 'node', args: ['calc-server.js'] }],
    });
    const runId = store.createRun({ goal: 'Use calc', model: 'scripted/test', origin: 'new', config }).runId;
    store.append(runId, [FINAL_TURN]);
    close();
    const file = editArchive(await exportRun(runId), () => undefined);
    expect((await runCli(['--home', target.paths.root, 'import', file, '--allow-mcp'])).code).toBe(0);
    const refused = await runCli(['--home', target.paths.root, 'replay', runId, '--network']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'replaying it would start its MCP servers on this machine: calc (node calc-server.js). Nothing was replayed.',
    );
    expect(refused.stderr).toContain('Pass --allow-mcp to start them.');
    const noNetwork = await runCli(['--home', target.paths.root, 'replay', runId, '--allow-mcp']);
    expect(noNetwork.code).toBe(2);
    expect(noNetwork.stderr).toContain('replaying it would give its sandbox the full network. Nothing was replayed.');
    expect(noNetwork.stderr).toContain('Pass --network to give its sandbox the network.');
    expect(runIds(target)).toEqual([runId]);
  });

  it('of unknown origin stops as diverged when what was approved is not what runs', { timeout: 180_000 }, async () => {
    const recorded = await recordRun('echo hi');
    const { store: from, close: closeSource } = openStore(source.paths);
    const drafts = from.loadEvents(recorded).map(({ type, payload, time }) => {
      if (type === 'tool.started') return { type, time, payload: { ...payload, args: { command: touch() } } };
      return { type, payload, time };
    }) as EventDraft[];
    closeSource();
    // Events appended without `run.created` through this folder's store: no one knows where it came from.
    const unknown = newId('run');
    const { store, close } = openStore(target.paths);
    store.append(unknown, drafts);
    close();
    const result = await runCli(['--home', target.paths.root, 'replay', unknown, '--allow-host']);
    expect(result.code).toBe(4);
    expect(result.stdout).toContain(`Diverged from ${unknown} at step 1: bash (call tc_1)`);
    expect(result.stdout).toContain('what runs differs from what was approved in the recording');
    expect(existsSync(marker)).toBe(false);
  });
});

describe('a fork or resume of a run from elsewhere', () => {
  it('goes on in the sandbox, with no network, MCP servers or recorded evaluation', { timeout: 120_000 }, async () => {
    const config = loopConfigSchema.parse({
      runtime: 'host',
      network: 'full',
      mcpServers: [{ name: 'calc', transport: 'stdio', command: 'node', args: ['calc-server.js'] }],
      evaluation: { command: 'cat /heldout/passwd', metric: 'score', heldOut: ['/etc/passwd'] },
    });
    const runId = await recordRun('echo hi');
    const file = editArchive(await exportRun(runId), (event) => {
      if (event.type === 'run.created') event.payload.config = config;
    });
    expect((await runCli(['--home', target.paths.root, 'import', file, '--allow-mcp'])).code).toBe(0);
    const app = createApp({ home: target.paths.root, ui: 'web' });
    try {
      const confined = { ...config, runtime: 'sandbox', network: 'none' } as Record<string, unknown>;
      delete confined.mcpServers;
      delete confined.evaluation;
      const seq = app.store.requireRun(runId).lastSeq;
      expect(forkPoint(app, runId, seq).config).toEqual(confined);
      app.store.append(runId, [{ type: 'run.status', payload: { status: 'stopped', reason: 'Step limit.' } }]);
      expect(resumable(app, runId).config).toEqual(confined);
    } finally {
      await app.shutdown();
    }
  });
});

describe('a run recorded here', () => {
  it('stays local when its data folder is upgraded to know where runs come from', () => {
    let opened = openStore(source.paths);
    const { runId } = opened.store.createRun({ goal: 'Old run', model: 'scripted/test', origin: 'new' });
    // Back to schema 4: before run_sources, and before the runs table kept each run's spec and metric.
    opened.db.exec(
      'DROP TABLE run_sources; ALTER TABLE runs DROP COLUMN spec; ALTER TABLE runs DROP COLUMN metric; PRAGMA user_version = 4;',
    );
    opened.close();
    opened = openStore(source.paths);
    try {
      expect(opened.store.sources.source(runId)).toBe('here');
      expect(opened.store.sources.fromElsewhere('run_0000000000000000')).toBe(true);
    } finally {
      opened.close();
    }
  });

  it('replays on its recorded runtime with no flags', { timeout: 180_000 }, async () => {
    const runId = await recordRun(`echo here > ${join(source.paths.root, 'here.txt')}`);
    rmSync(join(source.paths.root, 'here.txt'));
    const result = await runCli(['--home', source.paths.root, 'replay', runId]);
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(join(source.paths.root, 'here.txt'), 'utf8')).toBe('here\n');
  });
});

describe.skipIf(skipDocker)('a spec run from elsewhere', () => {
  it(
    'never mounts its recorded held-out paths: the evaluation comes only from a spec on this machine',
    { timeout: 300_000 },
    async () => {
      requireDocker();
      const secret = join(target.paths.root, 'host-secret.txt');
      writeFileSync(secret, 'host-secret-5d1e\n');
      const { store, close } = openStore(source.paths);
      const config = loopConfigSchema.parse({
        evaluation: { command: 'cat /heldout/host-secret.txt', metric: 'score', heldOut: [secret] },
        spec: { name: 'only-elsewhere', params: {} },
      });
      const runId = store.createRun({ goal: 'Say done', model: 'scripted/test', origin: 'spec', config }).runId;
      store.append(runId, [FINAL_TURN, { type: 'run.status', payload: { status: 'finished' } }]);
      close();
      const file = editArchive(await exportRun(runId), () => undefined);
      expect((await runCli(['--home', target.paths.root, 'import', file])).code).toBe(0);
      const replayed = await runCli(['--home', target.paths.root, 'replay', runId, '--json']);
      const { runId: replayId } = JSON.parse(replayed.stdout) as { runId: string };
      const shown = await runCli(['--home', target.paths.root, 'show', replayId, '--json']);
      expect(shown.code).toBe(0);
      expect(shown.stdout).not.toContain('host-secret-5d1e');
      expect(replayed.stderr).toContain(
        `The recorded evaluation (command cat /heldout/host-secret.txt; held-out ${secret}) is not used: it came from elsewhere, and the loop spec only-elsewhere cannot be used here:`,
      );
      expect(shown.stdout).not.toContain('"evaluation.');
    },
  );
});
