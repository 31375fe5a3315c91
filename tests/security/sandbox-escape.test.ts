// Hostile commands a model might write, each made as a tool call of a real run (the real loop, tools,
// store and Docker sandbox), asserting what a person would care about: nothing of this machine is read,
// reached or changed, each limit holds with a message saying what happened, and after every case the
// same run, the store and another run keep working. The cases share the run's container where they do
// not depend on each other; the disk case gets its own run with a reserve just below the free space.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ensureHome, type HomePaths } from '../../src/main/home';
import type { RunDeps } from '../../src/main/runs/run-deps';
import { BASE_IMAGE } from '../../src/main/sandbox/container-spec';
import { freeBytes } from '../../src/main/sandbox/disk-guard';
import { JobService } from '../../src/main/sandbox/jobs';
import { SandboxManager, type SandboxManagerOptions } from '../../src/main/sandbox/sandbox-manager';
import { openStore, type OpenedStore } from '../../src/main/store/open-store';
import { WorkspaceSnapshots } from '../../src/main/store/workspace-snapshots';
import { requireDocker, skipDocker } from '../helpers/docker';
import { tmpfsRequired } from '../helpers/tmpfs';
import { lastStoredResult, startDrivenRun, type DrivenRun, type ToolResult } from '../helpers/driven-run';

const MiB = 1024 ** 2;
/** Free space a disk-full case must leave on its own 1.5 GiB disk: a writer left alone takes all of it. */
const NEVER_FULL = 128 * MiB;
const LIMITS = { memoryBytes: 256 * MiB, pids: 96, tmpBytes: 16 * MiB };
const sandboxUid = process.getuid?.() === 0 ? 1000 : process.getuid?.();

let base: string;
let paths: HomePaths;
let opened: OpenedStore;
let marker: string;
let markerPath: string;
const managers: SandboxManager[] = [];
const runs: DrivenRun[] = [];
let run: DrivenRun;
let other: DrivenRun;
let checks = 0;

function host(limits: SandboxManagerOptions['limits'] = LIMITS, workspaces = paths.workspaces): RunDeps {
  const sandbox = new SandboxManager({ home: paths.root, image: BASE_IMAGE, limits });
  managers.push(sandbox);
  const jobs = new JobService({ sandbox, log: opened.store, leases: opened.owners, limits });
  const snapshots = new WorkspaceSnapshots(opened.store.blobs, {
    loadEvents: (runId) => opened.store.loadEvents(runId, { blobs: 'ref' }),
  });
  return { paths: { ...paths, workspaces }, store: opened.store, owners: opened.owners, sandbox, jobs, snapshots };
}

/**
 * A disk of its own (a 1.5 GiB ext4 image on a loop device, where this process may mount one), so that
 * what other processes write meanwhile cannot move the disk case's margin; else the data folder's disk,
 * where only the message can be checked. LOOPLAB_REQUIRE_MOUNT=1 (CI) makes the own disk mandatory.
 * (Not a tmpfs: its pages would count against the sandbox's memory limit.)
 */
function ownDisk(): { dir: string; release(): void } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'looplab-escape-disk-'));
  const image = `${dir}.img`;
  try {
    execFileSync('truncate', ['-s', '1536M', image], { stdio: 'pipe' });
    execFileSync('mkfs.ext4', ['-q', '-F', image], { stdio: 'pipe' });
    execFileSync('mount', ['-o', 'loop', image, dir], { stdio: 'pipe' });
    chmodSync(dir, 0o1777);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    rmSync(image, { force: true });
    if (tmpfsRequired)
      throw new Error('LOOPLAB_REQUIRE_MOUNT=1, but a loop disk cannot be mounted here', { cause: error });
    return undefined;
  }
  return {
    dir,
    release: () => {
      execFileSync('umount', [dir], { stdio: 'pipe' });
      rmSync(dir, { recursive: true, force: true });
      rmSync(image, { force: true });
    },
  };
}

function start(runHost: RunDeps): DrivenRun {
  const started = startDrivenRun(runHost);
  runs.push(started);
  return started;
}

const bash = (command: string, timeout = 30, target = run) => target.call('bash', { command, timeout });

/** What the model reads back: the output, with `error:` before a failed call's message. */
async function read(result: Promise<ToolResult>): Promise<string> {
  const { output, isError } = await result;
  return isError && !/\[exit code \d+\]$|\[killed after/.test(output) ? `error: ${output}` : output;
}

describe.skipIf(skipDocker)('sandbox escape', () => {
  beforeAll(async () => {
    requireDocker();
    base = mkdtempSync(join(tmpdir(), 'looplab-escape-'));
    marker = `HOST-MARKER-${randomBytes(8).toString('hex')}`;
    markerPath = join(base, 'host-marker.txt');
    writeFileSync(markerPath, marker);
    paths = ensureHome(join(base, 'home'));
    opened = openStore(paths);
    const shared = host();
    run = start(shared);
    other = start(shared);
    expect(await Promise.all([read(bash('echo ready')), read(bash('echo ready', 30, other))])).toEqual([
      'ready\n[exit code 0]',
      'ready\n[exit code 0]',
    ]);
  });

  afterEach(async () => {
    // After each case: the same run answers, the store reads it back, and another run still works.
    checks++;
    expect(await read(bash(`echo same-run-${checks}`))).toBe(`same-run-${checks}\n[exit code 0]`);
    expect(await read(bash(`echo other-run-${checks}`, 30, other))).toBe(`other-run-${checks}\n[exit code 0]`);
    expect(opened.store.getRun(run.runId)?.status).toBe('running');
    const results = opened.store.loadEvents(run.runId).filter((event) => event.type === 'tool.finished');
    expect(results.at(-1)?.payload).toMatchObject({ output: `same-run-${checks}\n[exit code 0]`, isError: false });
  });

  afterAll(async () => {
    const outcomes = await Promise.all(runs.map((driven) => driven.finish()));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(runs.map(() => 'finished'));
    for (const manager of managers) for (const driven of runs) await manager.release(driven.runId);
    opened?.close();
    if (base !== undefined) rmSync(base, { recursive: true, force: true });
  });

  it('reads nothing of this machine: the marker file beside the workspace is nowhere in the sandbox', async () => {
    expect(await read(bash(`cat ${markerPath}; ls ${base}`))).toBe(
      `cat: ${markerPath}: No such file or directory\nls: cannot access '${base}': No such file or directory\n[exit code 2]`,
    );
    const search = await read(
      bash(`grep -rlsF ${marker} / --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev; echo "searched: $?"`, 120),
    );
    // 1: nothing found; 2: nothing found, and some files could not be read. A match would print its path.
    expect(search).toMatch(/^searched: [12]\n\[exit code 0\]$/);
    expect(await read(bash('cat /etc/shadow; cat /etc/hostname'))).toMatch(
      /^cat: \/etc\/shadow: Permission denied\n[0-9a-f]{12}\n\[exit code 0\]$/,
    );
    expect(await read(bash('cat /etc/hostname'))).not.toContain(hostname());
  });

  it('cannot reach the Docker engine, by socket or by TCP', async () => {
    const probe = [
      'ls /var/run/docker.sock /run/docker.sock 2>&1',
      `python3 -c "import socket; s = socket.socket(socket.AF_UNIX); s.connect('/var/run/docker.sock')" 2>&1 | tail -1`,
      `python3 -c "import socket; socket.create_connection(('172.17.0.1', 2375), timeout=3)" 2>&1 | tail -1`,
    ].join('; ');
    expect(await read(bash(probe))).toBe(
      [
        "ls: cannot access '/var/run/docker.sock': No such file or directory",
        "ls: cannot access '/run/docker.sock': No such file or directory",
        'FileNotFoundError: [Errno 2] No such file or directory',
        'OSError: [Errno 101] Network is unreachable',
        '[exit code 0]',
      ].join('\n'),
    );
  });

  it.each([
    ['a DNS lookup', 'getent hosts pypi.org; echo "exit $?"', /^exit 2\n\[exit code 0\]$/],
    [
      'a DNS lookup from Python',
      `python3 -c "import socket; socket.getaddrinfo('pypi.org', 443)" 2>&1 | tail -1`,
      /^socket\.gaierror: \[Errno -[23]\] .*\n\[exit code 0\]$/,
    ],
    [
      'a connection to a raw IP',
      `python3 -c "import socket; socket.create_connection(('1.1.1.1', 443), timeout=3)" 2>&1 | tail -1`,
      /^OSError: \[Errno 101\] Network is unreachable\n\[exit code 0\]$/,
    ],
    ['bash’s /dev/tcp', 'echo hi > /dev/tcp/151.101.0.223/443', /Network is unreachable\n\[exit code 1\]$/],
    [
      'an IPv6 connection',
      `python3 -c "import socket; s = socket.socket(socket.AF_INET6); s.settimeout(3); s.connect(('2606:4700:4700::1111', 443))" 2>&1 | tail -1`,
      /^OSError: \[Errno (99|101)\] (Cannot assign requested address|Network is unreachable)\n\[exit code 0\]$/,
    ],
    ['the network interfaces', 'cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d " "', /^lo\n\[exit code 0\]$/],
  ])('has no network with the network off: %s fails', async (_name, command, expected) => {
    expect(await read(bash(command))).toMatch(expected);
  });

  it('contains a fork bomb at the PIDs limit, and the tool returns', async () => {
    const output = await read(bash('bomb() { bomb | bomb & }; bomb; sleep 2; echo "shell still here"', 20));
    expect(output).toMatch(/fork: (retry: )?Resource temporarily unavailable/);
    expect(output).toMatch(/\[exit code \d+\]$|\[killed after 20 s\]$/);
  });

  it('kills a memory hog at the memory limit, saying so', async () => {
    expect(await read(bash(`python3 -c "data = b'x' * (1024 ** 3); print(len(data))"`))).toBe(
      '[out of memory: a process was killed, the sandbox has 256.0 MiB; use less memory (smaller batches or data)]\n[exit code 137]',
    );
  });

  it('truncates an output flood to its bound, while the app, the store and other runs keep answering', async () => {
    const order: string[] = [];
    const flood = run
      .call('bash', { command: 'echo FIRST; head -c 60000000 /dev/zero | tr "\\0" x; echo; echo LAST' })
      .then((result) => (order.push('flood'), result));
    const during = await read(bash('sleep 0.3; echo during the flood', 30, other));
    order.push('other run');
    expect(opened.store.listRuns().map((summary) => summary.id)).toContain(run.runId);
    const result = await flood;
    expect(during).toBe('during the flood\n[exit code 0]');
    expect(order).toEqual(['other run', 'flood']);
    const full = lastStoredResult(opened, run.runId);
    expect(full.length).toBeLessThan(10_600_000);
    expect(full).toMatch(/^FIRST\nx{1000}/);
    expect(full).toMatch(/\n\[… [\d,]+ characters omitted: the first and last 5 MB are kept …\]\n/);
    expect(full.endsWith('x\nLAST\n[exit code 0]')).toBe(true);
    expect(result.isError).toBe(false);
  });

  it.each([
    [
      'gains no capability and cannot gain any',
      'grep -E "^(CapEff|CapPrm|NoNewPrivs)" /proc/self/status',
      /^CapPrm:\t0{16}\nCapEff:\t0{16}\nNoNewPrivs:\t1\n/,
    ],
    [
      'a setuid copy of bash stays the sandbox user',
      'cp /bin/bash ./rootsh && chmod u+s ./rootsh && ./rootsh -p -c "id -u"',
      new RegExp(`^${sandboxUid}\\n\\[exit code 0\\]$`),
    ],
    ['the image’s setuid su gives nothing', 'su -c id root < /dev/null 2>&1 | tail -1', /su: Authentication failure\n/],
    [
      'setuid(0) is refused',
      `python3 -c "import os; os.setuid(0)" 2>&1 | tail -1`,
      /^PermissionError: \[Errno 1\] Operation not permitted\n/,
    ],
    ['mount is refused', 'mkdir -p /tmp/m && mount -t tmpfs none /tmp/m', /must be superuser to use mount/],
    [
      'a user namespace is refused',
      'unshare -r id',
      /^unshare: unshare failed: Operation not permitted\n\[exit code 1\]$/,
    ],
    [
      'a mount namespace is refused',
      'unshare -m true',
      /^unshare: unshare failed: Operation not permitted\n\[exit code 1\]$/,
    ],
    [
      'a raw socket is refused',
      `python3 -c "import socket; socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)" 2>&1 | tail -1`,
      /^PermissionError: \[Errno 1\] Operation not permitted\n/,
    ],
    [
      'a packet socket is refused',
      `python3 -c "import socket; socket.socket(socket.AF_PACKET, socket.SOCK_RAW)" 2>&1 | tail -1`,
      /^PermissionError: \[Errno 1\] Operation not permitted\n/,
    ],
  ])('setuid and capability tricks fail: %s', async (_name, command, expected) => {
    expect(await read(bash(command))).toMatch(expected);
  });

  it('cannot write outside /workspace; /tmp is small and stays in the container', async () => {
    expect(await read(bash('touch /evil; echo x >> /etc/passwd; touch /usr/lib/evil; touch /workspace/../evil'))).toBe(
      [
        "touch: cannot touch '/evil': Read-only file system",
        'bash: line 1: /etc/passwd: Permission denied',
        "touch: cannot touch '/usr/lib/evil': Read-only file system",
        "touch: cannot touch '/workspace/../evil': Read-only file system",
        '[exit code 1]',
      ].join('\n'),
    );
    expect(await read(bash('head -c 64000000 /dev/zero > /tmp/fill; rm -f /tmp/fill'))).toMatch(
      /No space left on device\n\[exit code 0\]$/,
    );
    expect(readdirSync(base).sort()).toEqual(['home', 'host-marker.txt']);
  });

  it('refuses symbolic links out of /workspace through read, write and edit, and leaves the host file alone', async () => {
    expect(
      await read(
        bash(
          `ln -s ${markerPath} leak.txt && ln -s /etc/passwd passwd && ln -s / root && ln -s ${base} up && echo linked`,
        ),
      ),
    ).toBe('linked\n[exit code 0]');
    const calls: [string, unknown, string][] = [
      ['read', { path: 'leak.txt' }, 'error: leak.txt leads outside the workspace through a symbolic link.'],
      [
        'read',
        { path: 'root/etc/hostname' },
        'error: root/etc/hostname leads outside the workspace through a symbolic link.',
      ],
      [
        'read',
        { path: 'up/host-marker.txt' },
        'error: up/host-marker.txt leads outside the workspace through a symbolic link.',
      ],
      [
        'write',
        { path: 'leak.txt', content: 'owned' },
        'error: leak.txt leads outside the workspace through a symbolic link.',
      ],
      [
        'write',
        { path: 'up/new.txt', content: 'owned' },
        'error: up/new.txt leads outside the workspace through a symbolic link.',
      ],
      [
        'write',
        { path: 'passwd', content: 'root::0:0::/:/bin/sh' },
        'error: passwd leads outside the workspace through a symbolic link.',
      ],
      [
        'edit',
        { path: 'leak.txt', old_str: 'HOST', new_str: 'x' },
        'error: leak.txt leads outside the workspace through a symbolic link.',
      ],
      [
        'edit',
        { path: 'passwd', old_str: 'root', new_str: 'x' },
        'error: passwd leads outside the workspace through a symbolic link.',
      ],
      ['read', { path: '../host-marker.txt' }, 'error: ../host-marker.txt is outside the workspace.'],
      ['write', { path: '../evil.txt', content: 'x' }, 'error: ../evil.txt is outside the workspace.'],
      ['read', { path: markerPath }, `error: ${markerPath} is outside the workspace: use a path relative to it.`],
      [
        'write',
        { path: '/etc/cron.d/evil', content: 'x' },
        'error: /etc/cron.d/evil is outside the workspace: use a path relative to it.',
      ],
    ];
    for (const [tool, args, expected] of calls)
      expect([tool, args, await read(run.call(tool, args))]).toEqual([tool, args, expected]);
    expect(readFileSync(markerPath, 'utf8')).toBe(marker);
    expect(readdirSync(base).sort()).toEqual(['home', 'host-marker.txt']);
    await read(bash('rm -f leak.txt passwd root up'));
  });

  it('keeps job bookkeeping on this machine from following links the model made in the workspace', async () => {
    const started = await read(run.call('job_start', { command: 'echo job-output' }));
    const jobId = /^Started (job_\S+):/.exec(started)?.[1] ?? started;
    expect(await read(run.call('job_status', { job_id: jobId, wait: 60 }))).toMatch(/exited with code 0|exit code 0/);
    // The log, read by job_logs on this machine, is swapped for a link to a file of this machine.
    const swapLog = `mv .looplab .looplab-old && mkdir -p .looplab/jobs && ln -s ${markerPath} .looplab/jobs/${jobId}.log`;
    expect(await read(bash(`${swapLog} && echo swapped`))).toBe('swapped\n[exit code 0]');
    const logs = await read(run.call('job_logs', { job_id: jobId }));
    expect(logs).not.toContain(marker);
    expect(logs).toMatch(/^error: .*symbolic link/);
    // The jobs folder, where this machine writes logs, is swapped for a link to a folder of this machine.
    expect(await read(bash(`rm -rf .looplab/jobs && ln -s ${base} .looplab/jobs && echo swapped`))).toBe(
      'swapped\n[exit code 0]',
    );
    expect(await read(run.call('job_start', { command: 'echo second' }))).toMatch(
      /^error: \.looplab\/jobs in the workspace is a symbolic link/,
    );
    // outputs/, whose files this machine records as artifacts, is a link to a folder of this machine.
    expect(await read(bash(`rm -rf .looplab outputs && ln -s ${base} outputs && echo swapped`))).toBe(
      'swapped\n[exit code 0]',
    );
    expect(await read(run.call('job_start', { command: 'echo third' }))).toMatch(
      /^error: outputs in the workspace is a symbolic link/,
    );
    expect(readFileSync(markerPath, 'utf8')).toBe(marker);
    expect(readdirSync(base).sort()).toEqual(['home', 'host-marker.txt']);
    const artifacts = opened.store.loadEvents(run.runId).filter((event) => event.type === 'artifact.recorded');
    expect(JSON.stringify(artifacts)).not.toContain('host-marker');
    await read(bash('rm -f outputs && echo cleaned'));
  });

  it('survives a command that kills the sandbox’s own helper, with a clear error, and the next call recovers', async () => {
    const killHelper =
      'for p in /proc/[0-9]*; do grep -qa "looplab-ag""ent" $p/cmdline 2>/dev/null && kill -9 ${p#/proc/}; done; sleep 30';
    expect(await read(bash(killHelper))).toBe(
      'error: The sandbox stopped while the command ran: the sandbox’s command runner was killed, perhaps by the command itself or for lack of memory. It restarts on the next call; files in /workspace are kept.',
    );
  });

  it('stops a command that writes until the disk is full, keeping the disk’s reserve, and lets the model clean up', async () => {
    const disk = ownDisk();
    onTestFinished(() => disk?.release());
    const workspaces = disk?.dir ?? paths.workspaces;
    const room = 300 * MiB;
    const reserve = (await freeBytes(disk?.dir ?? base)) - room;
    const diskRun = start(host({ ...LIMITS, diskReserveBytes: reserve }, workspaces));
    const folder = join(workspaces, diskRun.runId);
    const output = await read(
      bash('dd if=/dev/zero of=fill bs=1M oflag=direct status=none; echo "dd ended: $?"', 120, diskRun),
    );
    expect(output).toMatch(
      /^error: The sandbox stopped while the command ran: it was stopped because the disk holding the workspace is almost full \([\d.]+ [KMG]i?B free; the sandbox keeps [\d.]+ GiB free for this machine\)\. Delete what is not needed in \/workspace \(rm works\), write less, or free space on this machine\. It restarts on the next call; files in \/workspace are kept\.$/,
    );
    // It wrote into the room it had, and was stopped there: on a disk of its own, unstopped, it would
    // have filled the whole 1.5 GiB. The guard samples every 200 ms, so it may overshoot the room by what
    // a fast disk takes in that time, but the disk never fills. The writer writes at the disk's own speed
    // (direct I/O): one that fills the page cache of a small disk faster than it samples can still outrun
    // the guard, as docs/RELIABILITY.md says.
    expect(statSync(join(folder, 'fill')).size).toBeGreaterThan(100 * MiB);
    if (disk) {
      expect(statSync(join(folder, 'fill')).size).toBeLessThan(room + 512 * MiB);
      expect(await freeBytes(disk.dir)).toBeGreaterThan(NEVER_FULL);
    }
    expect(await read(diskRun.call('write', { path: 'more.txt', content: 'x'.repeat(400 * 1024) }))).toMatch(
      /^error: Not written: the disk holding the workspace is almost full/,
    );
    expect(await read(bash('rm fill && echo cleaned', 30, diskRun))).toBe('cleaned\n[exit code 0]');
    expect(existsSync(join(folder, 'fill'))).toBe(false);
    expect(await read(diskRun.call('write', { path: 'notes.md', content: 'room again\n' }))).toBe(
      'Wrote notes.md (11 bytes, 2 lines).',
    );
    // A job writes the same workspace from its own container: it is stopped the same way.
    const started = await read(
      diskRun.call('job_start', { command: 'dd if=/dev/zero of=jobfill bs=1M oflag=direct status=none' }),
    );
    const jobId = /^Started (job_\S+):/.exec(started)?.[1] ?? started;
    expect(await read(diskRun.call('job_status', { job_id: jobId, wait: 120 }))).toMatch(
      new RegExp(`^${jobId}: failed after `),
    );
    expect(await read(diskRun.call('job_logs', { job_id: jobId }))).toMatch(
      /\[looplab\] killed: the disk holding the workspace is almost full \([\d.]+ [KMG]i?B free; the sandbox keeps [\d.]+ GiB free for this machine\)/,
    );
    if (disk) expect(await freeBytes(disk.dir)).toBeGreaterThan(NEVER_FULL);
    expect(await read(bash('rm jobfill && echo cleaned', 30, diskRun))).toBe('cleaned\n[exit code 0]');
  });
});
