// The job runner's own cost while a training job runs: following its output (the engine's multiplexed,
// timestamped frames), writing its log, parsing metric lines and judging its watches, as % of one core.
// A recorded LoRA run on an H100 (tests/fixtures/lora-h100.jsonl) is replayed through a real JobWatch at
// a Trainer's pace: a metric line a second and a tqdm redraw every 100 ms (tqdm's fastest default refresh),
// with four watches and progress; beside the same replay with no watches, in the same run (after a
// warm-up replay). The figure is the whole process's CPU time, so it includes the log file's writes and GC.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import type { RunLog } from '../src/main/core/ports';
import { jobWatchesSchema } from '../src/shared/job-watches';
import { prepareJobFolders } from '../src/main/sandbox/jobs-files';
import { DockerJobHandle } from '../src/main/sandbox/jobs-docker-handle';
import { JobWatch } from '../src/main/sandbox/jobs-watch';
import { WatchSet } from '../src/main/sandbox/jobs-watches';
import { report } from './report';

const SECONDS = 10;
const REDRAW_MS = 100;
const FIXTURE = readFileSync(new URL('../tests/fixtures/lora-h100.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n');
const WATCHES = jobWatchesSchema.parse([
  { kind: 'non_finite', metric: 'loss' },
  { kind: 'plateau', metric: 'loss', logs: 5, minDelta: 0.001 },
  { kind: 'silent', minutes: 10 },
  { kind: 'eta_over_budget' },
]);

/** One frame as the engine sends a container's output with timestamps: an 8-byte header, then the text. */
function frame(stream: 1 | 2, text: string): Buffer {
  const body = Buffer.from(`${new Date().toISOString().replace('Z', '000000Z')} ${text}`);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

/** A container whose output is the fixture at a Trainer's pace, exiting 0 at the end. */
function replayingDocker(): Docker {
  const output = new PassThrough();
  let tick = 0;
  const steps = (SECONDS * 1000) / REDRAW_MS;
  const exited = new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      tick++;
      output.write(
        frame(2, `\r${Math.floor((100 * tick) / steps)}%|#####     | ${tick}/${steps} [00:10<00:10, 9.9it/s]`),
      );
      if (tick % 10 === 0) output.write(frame(1, `${FIXTURE[(tick / 10) % FIXTURE.length]}\n`));
      if (tick < steps) return;
      clearInterval(timer);
      output.end();
      resolve();
    }, REDRAW_MS);
  });
  const info = { Id: 'bench', State: { Running: false, OOMKilled: false, ExitCode: 0, FinishedAt: '' }, Config: {} };
  const container = {
    logs: async (options: { follow: boolean }) => (options.follow ? output : Buffer.alloc(0)),
    wait: async () => exited.then(() => ({ StatusCode: 0 })),
    inspect: async () => info,
    kill: async () => undefined,
    remove: async () => undefined,
  };
  return { getContainer: () => container, modem: new Docker().modem } as unknown as Docker;
}

/** CPU time the process spent while one replay ran, as % of one core over its wall time. */
async function replay(watched: boolean): Promise<number> {
  const folder = mkdtempSync(join(tmpdir(), 'looplab-bench-jobs-'));
  await prepareJobFolders(folder, `${process.getuid?.() ?? 1000}:${process.getgid?.() ?? 1000}`);
  const log: RunLog = { append: () => [], loadEvents: () => [] };
  const startedAt = Date.now();
  const job = { jobId: 'job_bench', runId: 'run_bench', containerName: 'bench', workspaceFolder: folder, gpu: false };
  const supervise = watched ? { watches: new WatchSet(WATCHES, undefined, startedAt) } : undefined;
  const cpu = process.cpuUsage();
  const watch = new JobWatch(
    {
      handle: new DockerJobHandle(replayingDocker(), 'bench'),
      log,
      memoryLimitBytes: 4 << 30,
      diskReserveBytes: 0,
      onEnd: async () => undefined,
      ...(supervise === undefined ? {} : { supervise }),
    },
    { ...job, startedAt, timeoutSeconds: 3600 },
    { logLines: 0, metricLines: 0 },
  );
  await watch.done;
  const used = process.cpuUsage(cpu);
  const wallMs = Date.now() - startedAt;
  rmSync(folder, { recursive: true, force: true });
  return ((used.user + used.system) / 1000 / wallMs) * 100;
}

export async function benchJobsWatch(): Promise<void> {
  await replay(true); // warm-up: the modules and the JIT, not measured
  const bare = await replay(false);
  const watched = await replay(true);
  report(
    'Job runner: follow, log, metrics and 4 watches at a Trainer’s pace',
    watched,
    '% of one core',
    {
      label: 'the same replay without watches',
      value: bare,
    },
    { target: '≤ 2 %', met: (value) => value <= 2 },
  );
}
