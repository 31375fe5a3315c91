// What a Kubernetes job's pod says of it: still waiting to start (and why, when the scheduler or the
// image is the reason), running, or ended with its main container's exit code.
import type { KubernetesTarget } from '../../shared/targets';
import type { HandleEnd } from './jobs-handle';
import type { Pod } from './kube-client';
import { KEEPER_CONTAINER, MAIN_CONTAINER } from './kube-manifest';

export type PodState =
  | { kind: 'pending'; since: number; unschedulable?: string | undefined }
  /** Its main container runs; the keeper, which takes the workspace in, may not yet. */
  | { kind: 'running'; keeper: boolean }
  | { kind: 'ended'; end: HandleEnd }
  /** It cannot start: the image cannot be pulled, or the pod's spec is refused. */
  | { kind: 'stuck'; reason: string };

const IMAGE_PROBLEMS =
  /^(ErrImagePull|ImagePullBackOff|InvalidImageName|ErrImageNeverPull|CreateContainerConfigError)$/;

function time(value: Date | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

export function podState(pod: Pod, target: KubernetesTarget): PodState {
  const status = pod.status ?? {};
  const main = (status.containerStatuses ?? []).find((container) => container.name === MAIN_CONTAINER);
  const terminated = main?.state?.terminated;
  if (terminated !== undefined) {
    const oomKilled = terminated.reason === 'OOMKilled';
    return {
      kind: 'ended',
      end: { exitCode: terminated.exitCode, finishedAt: time(terminated.finishedAt), oomKilled },
    };
  }
  if (status.phase === 'Failed' || status.phase === 'Succeeded') {
    const why = status.reason === 'DeadlineExceeded' ? 'it ran past its activeDeadlineSeconds' : status.message;
    return {
      kind: 'ended',
      end: { exitCode: null, reason: `the pod ended (${why ?? status.reason ?? status.phase})` },
    };
  }
  const keeper = (status.containerStatuses ?? []).find((container) => container.name === KEEPER_CONTAINER);
  if (main?.state?.running !== undefined) return { kind: 'running', keeper: keeper?.state?.running !== undefined };
  const waiting = main?.state?.waiting;
  if (waiting?.reason !== undefined && IMAGE_PROBLEMS.test(waiting.reason))
    return {
      kind: 'stuck',
      reason: `the image ${target.image} cannot be used there (${waiting.reason}: ${waiting.message ?? 'no message'}); push it to a registry the cluster can pull from, or add an imagePullSecret to the namespace's default service account`,
    };
  const scheduled = (status.conditions ?? []).find((condition) => condition.type === 'PodScheduled');
  const unschedulable =
    scheduled?.status === 'False' && scheduled.reason === 'Unschedulable'
      ? (scheduled.message ?? 'no node fits')
      : undefined;
  return { kind: 'pending', since: time(pod.metadata.creationTimestamp) ?? Date.now(), unschedulable };
}

/** Why a pod that waited too long failed, in words for the log. */
export function pendingTooLong(state: Extract<PodState, { kind: 'pending' }>, seconds: number): string {
  const why =
    state.unschedulable === undefined ? 'it was not started' : `the pod could not be scheduled: ${state.unschedulable}`;
  return `${why} within ${seconds} s (maxPendingSeconds); free the resources it asks for, change the target's nodeSelector or gpus, or raise maxPendingSeconds`;
}
