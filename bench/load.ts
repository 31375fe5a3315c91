// Load: a data folder holding 1,000,000 events (2,000 runs of realistic sizes, written by the batched
// append), opened by the app, with eight runs streaming at once from one fake Ollama (in its own
// process) and calling tools on this machine. Measures what a person feels: listing runs and searching
// through the real request handlers, the main process's memory, and event-loop lag. Each figure is
// printed beside the same measure on a 10k-event folder, or with no runs going.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { dispatch } from '../src/main/api/handlers';
import { createApp, type App } from '../src/main/app';
import { makeTempHome } from '../tests/helpers/temp-home';
import { EVENTS_PER_RUN, fillApart, queries } from './load-store';
import { report } from './report';

const LIVE_RUNS = 8;

interface Latencies {
  p50: number;
  p95: number;
  /** CPU time per call, user + system: the work itself, whatever else the machine is doing. */
  cpu: number;
}

function percentile(values: readonly number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))]!;
}

async function latency(rounds: number, call: (round: number) => Promise<unknown>): Promise<Latencies> {
  const values: number[] = [];
  const cpuStart = process.cpuUsage();
  for (let round = 0; round < rounds; round++) {
    const start = performance.now();
    const result = (await call(round)) as { ok: boolean; error?: unknown };
    values.push(performance.now() - start);
    if (!result.ok) throw new Error(`request failed: ${JSON.stringify(result.error)}`);
  }
  const cpu = process.cpuUsage(cpuStart);
  return { p50: percentile(values, 0.5), p95: percentile(values, 0.95), cpu: (cpu.user + cpu.system) / 1000 / rounds };
}

const listRuns = (app: App) => () => dispatch(app.handlers, 'runs.list', {});
const search = (app: App) => (round: number) =>
  dispatch(app.handlers, 'runs.search', { query: queries[round % queries.length] });

async function lagOver(ms: number): Promise<{ p50: number; p99: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  await new Promise((resolve) => setTimeout(resolve, ms));
  histogram.disable();
  return { p50: histogram.percentile(50) / 1e6, p99: histogram.percentile(99) / 1e6 };
}

function memory(): { rss: number; heap: number } {
  const usage = process.memoryUsage();
  return { rss: usage.rss / 2 ** 20, heap: usage.heapUsed / 2 ** 20 };
}

async function startModelServer(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'load-model-server.ts'), '12'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the fake model server exited (${code})`)));
  });
  return { url, stop: () => child.kill() };
}

/** Approves each call a rule asks about (commands on this machine ask first), as a person would. */
function approveAll(app: App): void {
  app.store.subscribe(({ run, events }) => {
    for (const event of events) {
      if (event.type !== 'approval.requested') continue;
      const decide = (tries: number) => {
        try {
          app.runs.decide(run.id, event.payload.callId, { decision: 'approved' });
        } catch (error) {
          if (tries === 0) throw error;
          setTimeout(() => decide(tries - 1), 5);
        }
      };
      setImmediate(() => decide(100));
    }
  });
}

interface Idle {
  list: number;
  search: number;
  lag: { p50: number; p99: number };
  memory: { rss: number; heap: number };
}

interface UnderLoad {
  list: Omit<Latencies, 'cpu'>;
  search: Omit<Latencies, 'cpu'>;
  lag: { p50: number; p99: number };
  peak: { rss: number; heap: number };
  events: number;
  wallMs: number;
}

async function startLiveRuns(app: App): Promise<string[]> {
  const started = await Promise.all(
    Array.from({ length: LIVE_RUNS }, (_, index) =>
      dispatch(app.handlers, 'runs.start', {
        goal: `Live run ${index}: tune the learning rate`,
        model: 'ollama/qwen2.5-coder:7b',
        runtime: 'host',
      }),
    ),
  );
  return started.map((result) => {
    if (!result.ok) throw new Error(`runs.start failed: ${JSON.stringify(result.error)}`);
    return (result.value as { id: string }).id;
  });
}

async function eightRuns(app: App): Promise<UnderLoad> {
  const listTimes: number[] = [];
  const searchTimes: number[] = [];
  const peak = memory();
  let events = 0;
  app.store.subscribe((batch) => (events += batch.events.length));
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const start = performance.now();
  const ids = await startLiveRuns(app);
  const done = Promise.all(ids.map((id) => app.runs.settled(id)));
  let finished = false;
  void done.then(() => (finished = true));
  let failures = 0;
  const timeIfAnswered = async (call: () => Promise<unknown>, into: number[]) => {
    const result = await timed(call);
    if (result === undefined) failures += 1;
    else into.push(result);
  };
  for (let round = 0; !finished; round++) {
    await timeIfAnswered(listRuns(app), listTimes);
    await timeIfAnswered(() => search(app)(round), searchTimes);
    const now = memory();
    peak.rss = Math.max(peak.rss, now.rss);
    peak.heap = Math.max(peak.heap, now.heap);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const outcomes = await done;
  const wallMs = performance.now() - start;
  histogram.disable();
  const unfinished = outcomes.filter((outcome) => outcome?.status !== 'finished');
  if (unfinished.length > 0) throw new Error(`runs did not finish: ${JSON.stringify(unfinished)}`);
  // A failed call answers fast: counting it would flatter the figures, so the bench stops instead.
  if (failures > 0) throw new Error(`${failures} runs.list / runs.search calls failed during the live runs`);
  return {
    list: { p50: percentile(listTimes, 0.5), p95: percentile(listTimes, 0.95) },
    search: { p50: percentile(searchTimes, 0.5), p95: percentile(searchTimes, 0.95) },
    lag: { p50: histogram.percentile(50) / 1e6, p99: histogram.percentile(99) / 1e6 },
    peak,
    events,
    wallMs,
  };
}

/** How long a call took, or undefined when it answered with an error. */
async function timed(call: () => Promise<unknown>): Promise<number | undefined> {
  const start = performance.now();
  const result = (await call()) as { ok: boolean };
  const elapsed = performance.now() - start;
  return result.ok ? elapsed : undefined;
}

export async function benchLoad(): Promise<void> {
  // LOOPLAB_LOAD_EVENTS makes a smaller store for a quick look; the figures reported are for 1M.
  const total = Number(process.env.LOOPLAB_LOAD_EVENTS ?? 1_000_000);
  const small = makeTempHome('looplab-bench-load-');
  const large = makeTempHome('looplab-bench-load-');
  const model = await startModelServer();
  const previousHost = process.env.OLLAMA_HOST;
  process.env.OLLAMA_HOST = model.url;
  try {
    await fillApart(small, 10_000 / EVENTS_PER_RUN);
    const built = await fillApart(large, total / EVENTS_PER_RUN);
    report(
      `build a ${total.toLocaleString('en-US')}-event store (batched append)`,
      total / (built.appendMs / 1000),
      'events/s',
      {
        label: 'full-text indexing of the same events',
        value: total / (built.indexMs / 1000),
      },
    );

    const smallApp = createApp({ home: small.paths.root, ui: 'web' });
    const baseList = await latency(100, listRuns(smallApp));
    const baseSearch = await latency(60, search(smallApp));
    smallApp.close();

    const app = createApp({ home: large.paths.root, ui: 'web' });
    approveAll(app);
    const list = await latency(100, listRuns(app));
    const searched = await latency(60, search(app));
    const idleLag = await lagOver(2_000);
    const idle = memory();
    const load = await eightRuns(app);
    globalThis.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = memory();
    await app.shutdown();

    const at1m = '10k-event store';
    report('runs.list p50, 1M-event store', list.p50, 'ms', { label: at1m, value: baseList.p50 });
    report('runs.list p95, 1M-event store', list.p95, 'ms', { label: at1m, value: baseList.p95 }, under(50));
    report('runs.search p50, 1M-event store', searched.p50, 'ms', { label: at1m, value: baseSearch.p50 });
    report('runs.search p95, 1M-event store', searched.p95, 'ms', { label: at1m, value: baseSearch.p95 }, under(100));
    report('runs.list CPU per call, 1M-event store', list.cpu, 'ms', { label: at1m, value: baseList.cpu });
    report('runs.search CPU per call, 1M-event store', searched.cpu, 'ms', { label: at1m, value: baseSearch.cpu });
    reportLiveRuns(load, { list: list.p95, search: searched.p95, lag: idleLag, memory: idle }, after);
  } finally {
    if (previousHost === undefined) delete process.env.OLLAMA_HOST;
    else process.env.OLLAMA_HOST = previousHost;
    model.stop();
    small.remove();
    large.remove();
  }
}

/** The figures during the live runs, each beside the same with the store open and no runs going. */
function reportLiveRuns(load: UnderLoad, idle: Idle, after: { rss: number; heap: number }): void {
  const idleLabel = '1M store open, no runs';
  report(
    `runs.list p95 during ${LIVE_RUNS} live runs`,
    load.list.p95,
    'ms',
    { label: idleLabel, value: idle.list },
    under(50),
  );
  report(
    `runs.search p95 during ${LIVE_RUNS} live runs`,
    load.search.p95,
    'ms',
    { label: idleLabel, value: idle.search },
    under(100),
  );
  report(`event-loop lag p50 during ${LIVE_RUNS} live runs`, load.lag.p50, 'ms', {
    label: idleLabel,
    value: idle.lag.p50,
  });
  // The Electron main process answers the UI too: a stall here is a UI that does not respond.
  report(
    `event-loop lag p99 during ${LIVE_RUNS} live runs`,
    load.lag.p99,
    'ms',
    { label: idleLabel, value: idle.lag.p99 },
    { target: '≤ 50 ms', met: (value) => value <= 50 },
  );
  report(`RSS peak during ${LIVE_RUNS} live runs`, load.peak.rss, 'MiB', { label: idleLabel, value: idle.memory.rss });
  report(`heap peak during ${LIVE_RUNS} live runs`, load.peak.heap, 'MiB', {
    label: idleLabel,
    value: idle.memory.heap,
  });
  report('RSS after the runs ended', after.rss, 'MiB', { label: idleLabel, value: idle.memory.rss });
  report('heap after the runs ended', after.heap, 'MiB', { label: idleLabel, value: idle.memory.heap });
  report(`events recorded by ${LIVE_RUNS} live runs`, load.events / (load.wallMs / 1000), 'events/s', {
    label: 'wall time of all of them, s',
    value: load.wallMs / 1000,
  });
}

function under(ms: number) {
  return { target: `< ${ms} ms`, met: (value: number) => value < ms };
}

if (import.meta.url === `file://${process.argv[1]}`) await benchLoad();
