// The workspace into a Kubernetes job's pod and its outputs/ back, as `kubectl cp` does: `tar` run in the
// pod's keeper container through the API server's exec (a WebSocket), the archive on its stdin or stdout.
// The archive going in is written to a file first so its size is known: the pod's side reads exactly that
// many bytes (`head -c`), which needs no end-of-stdin signal (older API servers, v4.channel.k8s.io, have
// none). What comes back is taken as a remote Docker job's is: only outputs/'s plain files and folders.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { OUTPUTS_FOLDER } from './jobs-spec';
import { outputsExtractor, workspaceTar } from './jobs-remote';
import { KEEPER_CONTAINER } from './kube-manifest';
import type { KubeClient } from './kube-client';

const execStatusSchema = z.object({
  status: z.string().optional(),
  message: z.string().optional(),
});

export interface PodRef {
  client: KubeClient;
  namespace: string;
  pod: string;
}

/**
 * Runs `command` in the pod's keeper container; resolves when it exited 0, rejects with its stderr
 * otherwise. `stdin` is never ended from here (see above); the exec ends when the command does.
 */
export async function execInPod(
  ref: PodRef,
  command: string[],
  stdout: Writable | null,
  stdin: Readable | null,
): Promise<void> {
  const { client } = ref;
  const stderr = new PassThrough();
  let said = '';
  stderr.on('data', (chunk: Buffer) => (said = (said + chunk.toString()).slice(-2000)));
  const exec = new client.k8s.Exec(client.config);
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      stdin?.destroy();
      if (error === undefined) resolve();
      else reject(error);
    };
    exec
      .exec(ref.namespace, ref.pod, KEEPER_CONTAINER, command, stdout, stderr, stdin, false, (raw) => {
        const status = execStatusSchema.safeParse(raw).data;
        if (status?.status === 'Success') settle();
        else settle(new Error(`${command.join(' ')} in pod ${ref.pod}: ${said.trim() || status?.message || 'failed'}`));
      })
      .then((socket) => socket.addEventListener('close', () => settle(new Error(`the exec into ${ref.pod} was cut`))))
      .catch((error: unknown) => settle(error instanceof Error ? error : new Error(String(error))));
  });
}

/** Sends the workspace into the pod's /workspace and marks it ready: the job's command starts. */
export async function sendWorkspace(ref: PodRef, workspaceFolder: string): Promise<number> {
  const scratch = await mkdtemp(join(tmpdir(), 'looplab-kube-'));
  try {
    const file = join(scratch, 'workspace.tar');
    await pipeline(workspaceTar(workspaceFolder, { uid: 1000, gid: 1000 }), createWriteStream(file));
    const { size } = await stat(file);
    const input = new PassThrough();
    createReadStream(file).pipe(input, { end: false });
    const script = `head -c ${size} | tar -x -f - --no-same-owner && mkdir -p .looplab && touch .looplab/ready`;
    await execInPod(ref, ['sh', '-c', script], null, input);
    return size;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Brings the pod's outputs/ back into the workspace, then lets the pod end. */
export async function takeOutputs(ref: PodRef, workspaceFolder: string): Promise<void> {
  await mkdir(join(workspaceFolder, OUTPUTS_FOLDER), { recursive: true });
  const archive = new PassThrough();
  const unpacked = pipeline(archive, outputsExtractor(workspaceFolder));
  const script = `if [ -d ${OUTPUTS_FOLDER} ]; then tar -c -f - ${OUTPUTS_FOLDER}; else tar -c -f - -T /dev/null; fi`;
  try {
    await execInPod(ref, ['sh', '-c', script], archive, null);
  } finally {
    archive.end();
  }
  await unpacked;
  await letGo(ref);
}

/** Tells the pod's keeper its outputs were taken (and the job ended, if its container could not say). */
export async function letGo(ref: PodRef): Promise<void> {
  await execInPod(ref, ['sh', '-c', 'mkdir -p .looplab && touch .looplab/ended .looplab/fetched'], null, null);
}

/** Asks the job's command to stop (SIGTERM, from its own container): the pod and its outputs/ stay. */
export async function askToStop(ref: PodRef): Promise<void> {
  await execInPod(ref, ['sh', '-c', 'mkdir -p .looplab && touch .looplab/stop'], null, null);
}
