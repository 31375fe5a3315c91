// The batch/v1 Job one run of a Looplab job becomes on a Kubernetes cluster. Nothing of this machine can
// be mounted there, so the pod carries its workspace in an emptyDir at /workspace and has two containers
// of the target's image:
// - `job` waits until `.looplab/ready` is there, runs the command, then writes `.looplab/ended`; its exit
//   code (and OOMKilled) is its container's terminated state.
// - `keeper` holds the pod (and so the emptyDir) open: Looplab execs into it to unpack the workspace (a
//   tar on stdin, as `kubectl cp` does) before the command starts, and to pack `outputs/` once it ended;
//   then it writes `.looplab/fetched` and the keeper exits. Cancelling writes `.looplab/stop` there, which
//   `job` passes on to the command as SIGTERM. Every wait is bounded, so a pod whose Looplab never comes
//   back ends by itself, and activeDeadlineSeconds ends it past the job's timeout.
// Both run as a user that is not root, without privilege escalation and with no capabilities.
import { createHash } from 'node:crypto';
import type { KubernetesTarget } from '../../shared/targets';
import type { BackendLaunch } from './jobs-handle';
import type { WatchedJob } from './jobs-watch-types';

export const WORKSPACE = '/workspace';
export const MAIN_CONTAINER = 'job';
export const KEEPER_CONTAINER = 'keeper';
export const LABEL_MANAGED = 'app.kubernetes.io/managed-by';
export const LABEL_HOME = 'looplab.dev/home';
export const LABEL_JOB = 'looplab.dev/job';
export const ANNOTATION_JOB = 'looplab.dev/job';
/** How long the pod waits for its workspace, and then for its outputs to be taken, before it goes on alone. */
export const SEND_WAIT_SECONDS = 600;
export const FETCH_WAIT_SECONDS = 600;
const JOB_USER = 1000;

/** A DNS-1123 name of at most 63 characters from the job's container name (a hash keeps it unique when cut). */
export function kubeJobName(containerName: string): string {
  const clean = containerName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (clean.length <= 63) return clean;
  const hash = createHash('sha256').update(containerName).digest('hex').slice(0, 8);
  return `${clean.slice(0, 54).replace(/-+$/, '')}-${hash}`;
}

/** The data folder a job belongs to, as its container name says (`looplab-job-<hash>-…`). */
export function homeLabel(containerName: string): string {
  return /^looplab-job-([0-9a-f]{8})-/.exec(containerName)?.[1] ?? 'unknown';
}

/** What `find` needs to know the job again, kept in one annotation. */
export function jobAnnotation(job: WatchedJob): string {
  return JSON.stringify(job);
}

/**
 * The main container's script: wait for the workspace, run the command in a process group of its own
 * (setsid, where the image has it) and pass SIGTERM on to the whole group, then say it ended. Once asked
 * to stop, it waits for the whole group (its shell may end at once, the program it runs later).
 * `.looplab/stop` (written through the keeper, the one container Looplab execs into) also sends the
 * command SIGTERM: a cancelled job ends while its pod, and so its outputs/, are still there.
 */
const MAIN_SCRIPT = `n=0
while [ ! -e .looplab/ready ]; do
  n=$((n+1)); if [ "$n" -gt ${SEND_WAIT_SECONDS} ]; then echo "looplab: the workspace never came" >&2; exit 125; fi
  sleep 1
done
if command -v setsid >/dev/null 2>&1; then setsid sh -c "$LOOPLAB_COMMAND" & else sh -c "$LOOPLAB_COMMAND" & fi
child=$!
stop() { kill -TERM -"$child" 2>/dev/null || kill -TERM "$child" 2>/dev/null; }
trap 'stopping=1; stop' TERM INT
(while kill -0 "$child" 2>/dev/null; do
  if [ -e .looplab/stop ]; then stop; break; fi
  sleep 1
done) >/dev/null 2>&1 &
while :; do wait "$child"; code=$?; kill -0 "$child" 2>/dev/null || break; done
if [ -n "\${stopping:-}" ] || [ -e .looplab/stop ]; then
  while kill -0 -"$child" 2>/dev/null; do sleep 1; done
fi
touch .looplab/ended
exit "$code"`;

/** The keeper's script: hold the pod until the job ended and its outputs were taken (each wait bounded). */
const KEEPER_SCRIPT = `mkdir -p .looplab
n=0
while [ ! -e .looplab/ready ] && [ "$n" -lt ${SEND_WAIT_SECONDS} ]; do n=$((n+1)); sleep 1; done
while [ -e .looplab/ready ] && [ ! -e .looplab/ended ]; do sleep 1; done
n=0
while [ ! -e .looplab/fetched ] && [ "$n" -lt ${FETCH_WAIT_SECONDS} ]; do n=$((n+1)); sleep 1; done
exit 0`;

const securityContext = {
  runAsNonRoot: true,
  runAsUser: JOB_USER,
  runAsGroup: JOB_USER,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
};

function resources(launch: Pick<BackendLaunch, 'cpus' | 'memoryBytes' | 'gpu'>, target: KubernetesTarget) {
  const amounts = { cpu: String(launch.cpus), memory: String(launch.memoryBytes) };
  const gpus = launch.gpu ? { 'nvidia.com/gpu': String(target.gpus ?? 1) } : {};
  return { requests: { ...amounts, ...gpus }, limits: { ...amounts, ...gpus } };
}

/** The Job's manifest (a plain object in the API's own shape). */
export function jobManifest(target: KubernetesTarget, launch: BackendLaunch): Record<string, unknown> {
  const { job } = launch;
  const name = kubeJobName(job.containerName);
  const labels = { [LABEL_MANAGED]: 'looplab', [LABEL_HOME]: homeLabel(job.containerName), [LABEL_JOB]: name };
  const env = [
    ...Object.entries(launch.env).map(([key, value]) => ({ name: key, value })),
    { name: 'LOOPLAB_COMMAND', value: launch.command },
    { name: 'HOME', value: `${WORKSPACE}/.looplab/home` },
  ];
  const container = { image: target.image, workingDir: WORKSPACE, securityContext };
  const volumeMounts = [{ name: 'workspace', mountPath: WORKSPACE }];
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: target.namespace,
      labels,
      annotations: { [ANNOTATION_JOB]: jobAnnotation(job) },
    },
    spec: {
      backoffLimit: 0,
      // The job's own timeout, plus the time its pod may wait to start and its outputs to be taken.
      activeDeadlineSeconds: job.timeoutSeconds + (target.maxPendingSeconds ?? 0) + SEND_WAIT_SECONDS,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, fsGroup: JOB_USER },
          ...(target.nodeSelector === undefined ? {} : { nodeSelector: target.nodeSelector }),
          volumes: [{ name: 'workspace', emptyDir: {} }],
          containers: [
            {
              ...container,
              name: MAIN_CONTAINER,
              command: ['sh', '-c', MAIN_SCRIPT],
              env,
              resources: resources(launch, target),
              volumeMounts,
            },
            {
              ...container,
              name: KEEPER_CONTAINER,
              command: ['sh', '-c', KEEPER_SCRIPT],
              resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
              volumeMounts,
            },
          ],
        },
      },
    },
  };
}
