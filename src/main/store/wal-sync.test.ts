import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempHome, type TempHome } from '../../../tests/helpers/temp-home';
import { recordSampleRun, sampleRunDrafts } from '../../../tests/fixtures/sample-run';
import { openStore, type OpenedStore } from './open-store';

let home: TempHome;
let opened: OpenedStore;

beforeEach(() => {
  home = makeTempHome();
  opened = openStore(home.paths, { sync: 'off-thread' });
});

afterEach(() => {
  opened.close();
  home.remove();
});

describe('a store that syncs off the main thread', () => {
  it('publishes each batch after its commit, in order, once the sync that follows has ended', async () => {
    const other = openStore(home.paths);
    const heard: { seq: number; type: string; inDatabase: boolean }[] = [];
    opened.store.subscribe(({ events }) => {
      for (const event of events) {
        const stored = other.store.loadEvents(event.runId, { fromSeq: event.seq, blobs: 'ref' })[0];
        heard.push({ seq: event.seq, type: event.type, inDatabase: stored?.seq === event.seq });
      }
    });
    const runId = recordSampleRun(opened.store);
    // The appends returned with their commits; no listener has heard of them yet.
    expect(heard).toEqual([]);
    expect(opened.store.loadEvents(runId)).toHaveLength(sampleRunDrafts().length + 1);
    await opened.store.whenPublished();
    other.close();
    expect(heard.map((entry) => entry.seq)).toEqual(opened.store.loadEvents(runId).map((event) => event.seq));
    expect(heard.map((entry) => entry.type)).toEqual(['run.created', ...sampleRunDrafts().map((draft) => draft.type)]);
    expect(heard.every((entry) => entry.inDatabase)).toBe(true);
  });

  it('runs what comes after a batch only once the batch is published', async () => {
    const order: string[] = [];
    opened.store.subscribe(({ events }) => order.push(`batch ${events.map((event) => event.seq).join(',')}`));
    opened.store.afterPublished(() => order.push('nothing waited'));
    const runId = opened.store.createRun({ goal: 'order', model: 'scripted/x', origin: 'new' }).runId;
    opened.store.afterPublished(() => order.push('after the first'));
    opened.store.append(runId, [{ type: 'message.user', payload: { text: 'one' } }]);
    opened.store.append(runId, [{ type: 'message.user', payload: { text: 'two' } }]);
    opened.store.afterPublished(() => order.push('after the last'));
    await opened.store.whenPublished();
    expect(order).toEqual(['nothing waited', 'batch 0', 'after the first', 'batch 1', 'batch 2', 'after the last']);
  });

  it('publishes what still waits when it closes, and keeps it', () => {
    const heard: number[] = [];
    opened.store.subscribe(({ events }) => heard.push(...events.map((event) => event.seq)));
    const runId = recordSampleRun(opened.store);
    opened.close();
    expect(heard).toEqual(Array.from({ length: sampleRunDrafts().length + 1 }, (_, index) => index));
    opened = openStore(home.paths);
    expect(opened.store.loadEvents(runId)).toHaveLength(heard.length);
  });
});
