import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempHome, type TempHome } from '../../../tests/helpers/temp-home';
import { LARGE_OUTPUT_MARKER, largeOutput, recordSampleRun, sampleRunDrafts } from '../../../tests/fixtures/sample-run';
import { BLOB_THRESHOLD_BYTES, isBlobRef, type EventDraft, type RunEvent } from '../../shared/events';
import { summarizeAll } from '../../shared/run-summary';
import { loopConfigSchema } from '../../shared/loop-config';
import { migrations } from './migrations';
import { BlobStore } from './blob-store';
import { EventStore, SEARCH_WINDOW } from './event-store';
import { openStore, type OpenedStore } from './open-store';
import { StoreThread } from './store-thread';

let home: TempHome;
let opened: OpenedStore;

beforeEach(() => {
  home = makeTempHome();
  opened = openStore(home.paths);
});

afterEach(() => {
  opened.close();
  home.remove();
});

function blobFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name);
}

describe('event store', () => {
  it('stores a run in order and derives its summary', () => {
    const runId = recordSampleRun(opened.store);
    const events = opened.store.loadEvents(runId);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index));
    expect(events.map((event) => event.type)).toEqual(['run.created', ...sampleRunDrafts().map((draft) => draft.type)]);
    expect(opened.store.getRun(runId)).toEqual({
      id: runId,
      goal: 'Train a TF-IDF + logistic regression baseline on tickets.csv and report macro F1',
      model: 'ollama/qwen2.5-coder:7b',
      status: 'finished',
      reason: null,
      createdAt: 1_700_000_000_000,
      updatedAt: events.at(-1)!.time,
      endedAt: events.at(-1)!.time,
      steps: 3,
      toolCalls: 3,
      inputTokens: 4400,
      outputTokens: 150,
      cost: 0,
      eventCount: events.length,
      lastSeq: events.length - 1,
      parentRunId: null,
      parentSeq: null,
      origin: 'new',
      runtime: 'sandbox',
      network: 'none',
      spec: null,
      metric: { name: 'macro_f1', value: 0.81, target: null, better: 'higher', attempt: 1 },
    });
  });

  it('migrates a database made before the runtime was recorded, keeping its runs', () => {
    const runId = recordSampleRun(opened.store);
    opened.db.exec(
      'ALTER TABLE runs DROP COLUMN spec; ALTER TABLE runs DROP COLUMN metric; ' +
        'ALTER TABLE runs DROP COLUMN runtime; ALTER TABLE runs DROP COLUMN network; ALTER TABLE runs DROP COLUMN origin; PRAGMA user_version = 2;',
    );
    opened.close();
    opened = openStore(home.paths);
    expect(opened.db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(opened.store.getRun(runId)).toMatchObject({
      id: runId,
      status: 'finished',
      runtime: 'sandbox',
      network: 'none',
    });
  });

  it('migrates a database made before the origin was kept, reading each run’s origin from its events', () => {
    const first = recordSampleRun(opened.store);
    const replay = opened.store.createRun({
      goal: 'replay of the first',
      model: 'ollama/llama3.2',
      origin: 'replay',
      parent: { runId: first, seq: 22 },
    }).runId;
    opened.db.exec(
      'ALTER TABLE runs DROP COLUMN spec; ALTER TABLE runs DROP COLUMN metric; ALTER TABLE runs DROP COLUMN origin; PRAGMA user_version = 3;',
    );
    opened.close();
    opened = openStore(home.paths);
    expect(opened.db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect([opened.store.getRun(first)?.origin, opened.store.getRun(replay)?.origin]).toEqual(['new', 'replay']);
  });

  it('migrates a database made before the spec and metric were kept, reading them from the events', () => {
    const plain = recordSampleRun(opened.store);
    const spec = opened.store.createRun({
      goal: 'classify',
      model: 'ollama/llama3.2',
      origin: 'spec',
      config: loopConfigSchema.parse({ spec: { name: 'classifier', params: { data: 'a.csv' }, file: '/s.yaml' } }),
    }).runId;
    const folded = [opened.store.getRun(plain), opened.store.getRun(spec)];
    expect(folded[0]?.metric).toEqual({ name: 'macro_f1', value: 0.81, target: null, better: 'higher', attempt: 1 });
    expect(folded[1]).toMatchObject({ spec: { name: 'classifier', params: { data: 'a.csv' } }, metric: null });
    opened.db.exec('ALTER TABLE runs DROP COLUMN spec; ALTER TABLE runs DROP COLUMN metric; PRAGMA user_version = 5;');
    opened.close();
    opened = openStore(home.paths);
    expect([opened.store.getRun(plain), opened.store.getRun(spec)]).toEqual(folded);
  });

  it('keeps large text as a blob, stored once however often it is referenced', () => {
    const first = recordSampleRun(opened.store);
    const second = recordSampleRun(opened.store, 'the same output again');
    const raw = opened.store.loadEvents(first, { blobs: 'ref' });
    const output = raw.find((event) => event.type === 'tool.finished')!.payload as { output: unknown };
    expect(isBlobRef(output.output)).toBe(true);
    const inline = opened.store.loadEvents(second).find((event) => event.type === 'tool.finished')!;
    expect(inline.payload).toEqual({ callId: 'call_t1', output: largeOutput(), isError: false });
    expect(blobFiles(home.paths.blobs)).toHaveLength(1);
    expect(opened.db.prepare('SELECT count(*) AS n FROM blobs').get()).toEqual({ n: 1 });
    const largest = opened.db.prepare('SELECT max(length(payload)) AS n FROM events').get() as { n: number };
    expect(largest.n).toBeLessThan(BLOB_THRESHOLD_BYTES);
  });

  it('rebuilds the runs table from events exactly', () => {
    const ids = [recordSampleRun(opened.store), recordSampleRun(opened.store, 'second goal', 1_700_000_100_000)];
    const forked = opened.store.createRun({
      goal: 'fork of the first',
      model: 'ollama/llama3.2',
      origin: 'fork',
      parent: { runId: ids[0]!, seq: 5 },
    });
    opened.store.append(forked.runId, [
      { type: 'run.status', payload: { status: 'failed', reason: 'model server down' } },
    ]);
    const before = opened.store.listRuns();
    expect(before).toHaveLength(3);
    opened.db.exec("UPDATE runs SET status = 'running', steps = 99");
    expect(opened.store.rebuildRuns()).toBe(3);
    expect(opened.store.listRuns()).toEqual(before);
    for (const run of before) expect(summarizeAll(opened.store.loadEvents(run.id))).toEqual(run);
  });

  it('refuses to change or reorder stored events', () => {
    const runId = recordSampleRun(opened.store);
    const before = opened.store.loadEvents(runId);
    expect(() => opened.db.prepare("UPDATE events SET type = 'x' WHERE seq = ?").run(1)).toThrow(/append-only/);
    expect(() => opened.store.append('run_missing', [{ type: 'run.status', payload: { status: 'running' } }])).toThrow(
      /No run run_missing/,
    );
    expect(opened.store.loadEvents(runId)).toEqual(before);
  });

  it('finds runs by words in messages and tool output, including text kept in blobs', () => {
    const runId = recordSampleRun(opened.store);
    recordSampleRun(opened.store, 'an unrelated goal');
    const hits = opened.store.search(LARGE_OUTPUT_MARKER);
    expect(hits.map((hit) => [hit.seq, hit.type])).toEqual([
      [6, 'tool.finished'],
      [6, 'tool.finished'],
    ]);
    expect(hits[0]!.snippet).toContain(`${LARGE_OUTPUT_MARKER}: done`);
    expect(opened.store.search('logistic regr').map((hit) => hit.runId)).toEqual([runId]);
    expect(opened.store.search('"); DROP TABLE events; --')).toEqual([]);
    expect(opened.store.search('   ')).toEqual([]);
  });

  it('ranks only the newest matches, so a common word costs the same on any size of log', () => {
    const runId = opened.store.createRun({ goal: 'many matches', model: 'scripted/x', origin: 'new' }).runId;
    const drafts = (count: number, text: (index: number) => string): EventDraft[] =>
      Array.from({ length: count }, (_, index) => ({ type: 'message.user', payload: { text: text(index) } }));
    // The oldest matches are the best by rank (the word many times in a short text), and out of the window.
    opened.store.append(
      runId,
      drafts(10, () => 'gradient gradient gradient'),
    );
    opened.store.append(
      runId,
      drafts(SEARCH_WINDOW, (index) => `step ${index} of a long session where the gradient was checked again`),
    );
    const hits = opened.store.search('gradient', 20);
    expect(hits).toHaveLength(20);
    expect(Math.min(...hits.map((hit) => hit.seq))).toBeGreaterThan(10);
  });

  it('ranks the newest matches by how often the words occur in each, for its length, on either thread', async () => {
    const runId = opened.store.createRun({ goal: 'ranking', model: 'scripted/x', origin: 'new' }).runId;
    const texts = [
      'the learning rate was lowered after the warmup ended and the loss of the model kept on falling',
      'Learning rate: learning rate 3e-4, learning rate schedule cosine',
      'a learning rate of 0.01',
      'the rate of learning was fine, and so was the learning of the tokenizer; learning goes on',
    ];
    opened.store.append(
      runId,
      texts.map((text) => ({ type: 'message.user', payload: { text } })),
    );
    const order = (query: string) => opened.store.search(query).map((hit) => hit.seq);
    expect(order('learning rate')).toEqual([2, 3, 4, 1]);
    // The last word typed counts as a prefix.
    expect(order('lear')).toEqual([2, 4, 3, 1]);
    expect(await opened.store.searchInBackground('learning rate')).toEqual(opened.store.search('learning rate'));
    expect(await opened.store.searchInBackground('lear')).toEqual(opened.store.search('lear'));
  });

  it('searches on its worker thread as on the main one, every event committed before included', async () => {
    const runId = recordSampleRun(opened.store);
    recordSampleRun(opened.store, 'an unrelated goal');
    // More than the index takes in one slice, the searched word in the very last event, just committed.
    const backlog: EventDraft[] = Array.from({ length: 600 }, (_, index) => ({
      type: 'message.user',
      payload: { text: index === 599 ? 'the zeppelin landed' : `note ${index}` },
    }));
    opened.store.append(runId, backlog);
    const found = await opened.store.searchInBackground('zeppelin');
    expect(found.map((hit) => [hit.runId, hit.seq, hit.snippet])).toEqual([[runId, 622, 'the zeppelin landed']]);
    expect(await opened.store.searchInBackground(LARGE_OUTPUT_MARKER)).toEqual(
      opened.store.search(LARGE_OUTPUT_MARKER),
    );
    expect(await opened.store.searchInBackground('logistic regr')).toEqual(opened.store.search('logistic regr'));
    expect(await opened.store.searchInBackground('   ')).toEqual([]);
  });

  it('refuses reads on its worker thread once closed', async () => {
    recordSampleRun(opened.store);
    expect(await opened.store.searchInBackground('logistic')).toHaveLength(1);
    const { store } = opened;
    opened.close();
    await expect(store.searchInBackground('logistic')).rejects.toThrow('The run store is closed.');
    opened = openStore(home.paths);
  });

  it('answers a search on its own thread when the worker thread cannot start', async () => {
    recordSampleRun(opened.store);
    // A worker given a driver binary that does not exist fails as one would where it cannot load.
    const broken = new StoreThread(opened.db, join(home.paths.root, 'missing', 'better_sqlite3.node'));
    const store = new EventStore(opened.db, new BlobStore(home.paths.blobs), { thread: broken });
    expect(await store.searchInBackground('logistic')).toEqual(opened.store.search('logistic'));
    expect(await store.searchInBackground('logistic')).toHaveLength(1);
    broken.close();
  });

  it('checkpoints the log on its worker thread, leaving every event readable', async () => {
    const runId = recordSampleRun(opened.store);
    expect(opened.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const thread = new StoreThread(opened.db);
    const [done] = await thread.checkpoint();
    expect(done!.log).toBeGreaterThan(0);
    expect(done!.checkpointed).toBe(done!.log);
    thread.close();
    expect(opened.store.loadEvents(runId)).toHaveLength(sampleRunDrafts().length + 1);
  });

  it('deletes a run with its search entries', () => {
    const runId = recordSampleRun(opened.store);
    expect(opened.store.deleteRun(runId)).toBe(true);
    expect(opened.store.listRuns()).toEqual([]);
    expect(opened.store.search('baseline')).toEqual([]);
    expect(opened.store.loadEvents(runId)).toEqual([]);
  });

  it('publishes events only after they are committed', () => {
    const seen: { seq: number; inDatabase: boolean }[] = [];
    const other = openStore(home.paths);
    opened.store.subscribe(({ events }) => {
      for (const event of events) {
        const stored = other.store.loadEvents(event.runId, { fromSeq: event.seq, blobs: 'ref' })[0];
        seen.push({ seq: event.seq, inDatabase: stored?.seq === event.seq });
      }
    });
    recordSampleRun(opened.store);
    other.close();
    expect(seen).toHaveLength(sampleRunDrafts().length + 1);
    expect(seen.every((entry) => entry.inDatabase)).toBe(true);
  });
});

describe('events from other processes', () => {
  it('publishes what another connection committed, once, and not its own appends again', () => {
    const other = openStore(home.paths);
    const heard: [string, number[]][] = [];
    opened.store.subscribe(({ run, events }) => heard.push([run.id, events.map((event) => event.seq)]));
    expect(opened.store.pollExternal()).toBe(0);
    const foreign = recordSampleRun(other.store);
    const own = opened.store.createRun({ goal: 'mine', model: 'scripted/x', origin: 'new' }).runId;
    expect(opened.store.pollExternal()).toBe(23);
    expect(opened.store.pollExternal()).toBe(0);
    other.store.append(foreign, [{ type: 'message.user', payload: { text: 'one more thing' } }]);
    expect(opened.store.pollExternal()).toBe(1);
    other.close();
    expect(heard).toEqual([
      [own, [0]],
      [foreign, Array.from({ length: 23 }, (_, index) => index)],
      [foreign, [23]],
    ]);
  });
});

describe('crash safety', () => {
  it('loses no committed event when the process is killed mid-transaction', async () => {
    opened.close();
    const batchSize = 2000;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join('tests', 'fixtures', 'crash-writer.ts'), home.paths.root, String(batchSize)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let committed = -1;
    let runId = '';
    await new Promise<void>((resolve) => {
      let buffer = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        for (const line of buffer.split('\n').slice(0, -1)) {
          if (line.startsWith('run ')) runId = line.slice(4);
          if (line.startsWith('committed ')) committed = Number(line.slice(10));
        }
        buffer = buffer.slice(buffer.lastIndexOf('\n') + 1);
        if (committed >= batchSize * 5 && child.exitCode === null) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((resolve) => child.once('exit', resolve));

    opened = openStore(home.paths);
    expect(opened.db.pragma('integrity_check', { simple: true })).toBe('ok');
    const events: RunEvent[] = opened.store.loadEvents(runId);
    // Reopening marked the orphaned run interrupted, after everything that was committed.
    expect(events.at(-1)).toMatchObject({ type: 'run.status', payload: { status: 'interrupted' } });
    expect(opened.store.getRun(runId)!.status).toBe('interrupted');
    expect(events.length - 1).toBeGreaterThan(committed);
    // Whole batches only: the transaction that was cut off left nothing behind.
    expect((events.length - 2) % batchSize).toBe(0);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index));
    expect(opened.store.getRun(runId)).toEqual(summarizeAll(events));
  });
});
