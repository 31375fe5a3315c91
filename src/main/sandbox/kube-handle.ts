// One Looplab job as a batch/v1 Job on a Kubernetes cluster, as its watcher drives it (jobs-handle.ts):
// its output is the main container's log (followed from the start; a catch-up after the end reads it
// again and delivers the bytes not yet delivered), its end is that container's terminated state. Stop asks
// the command to end and keeps the pod for its outputs/ (deleting the Job only past the grace); kill and
// remove delete the Job and its pod. A pod the scheduler cannot place, or whose image cannot be
// pulled, for longer than the target's maxPendingSeconds ends the job with the scheduler's own words.
import { PassThrough } from 'node:stream';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import type { KubernetesTarget } from '../../shared/targets';
import type { HandleEnd, JobHandle, OutputSink } from './jobs-handle';
import type { WatchedJob } from './jobs-watch-types';
import { kubeFailure, kubeStatus, podSchema, type KubeClient, type Pod } from './kube-client';
import { kubeJobName, LABEL_JOB, MAIN_CONTAINER } from './kube-manifest';
import { pendingTooLong, podState, type PodState } from './kube-pod-state';
import { askToStop, sendWorkspace, takeOutputs } from './kube-transfer';

/** How often a job's state is looked at again when no watch event came. */
const RECHECK_MS = 5_000;
/** What a stop waits past its grace: the command sees the request within 1 s, the pod's status after. */
const STOP_SLACK_S = 5;
/** How long a pod may wait when the target sets no maxPendingSeconds. */
const DEFAULT_MAX_PENDING_S = 3_600;

const podListSchema = z.object({
  metadata: z.object({ resourceVersion: z.string().optional() }).optional(),
  items: z.array(podSchema),
});

export class KubeHandle implements JobHandle {
  readonly local = false;
  readonly name: string;
  /** The bytes of output `follow` delivered. */
  private delivered = 0;
  /** Why the workspace could not be sent (the Job is deleted then). */
  private problem: string | undefined;

  constructor(
    private readonly client: () => Promise<KubeClient>,
    private readonly target: KubernetesTarget,
    readonly job: WatchedJob,
  ) {
    this.name = kubeJobName(job.containerName);
  }

  /** The Job's pod (the newest, should there be more), and the list's version for a watch from there. */
  async pod(): Promise<{ pod: Pod | undefined; version: string | undefined }> {
    const { core } = await this.client();
    try {
      const list = podListSchema.parse(
        await core.listNamespacedPod({ namespace: this.target.namespace, labelSelector: `${LABEL_JOB}=${this.name}` }),
      );
      return { pod: list.items.at(-1), version: list.metadata?.resourceVersion };
    } catch (error) {
      throw kubeFailure(this.target, 'list pods', error);
    }
  }

  private async jobExists(): Promise<boolean> {
    const { batch } = await this.client();
    try {
      await batch.readNamespacedJob({ name: this.name, namespace: this.target.namespace });
      return true;
    } catch (error) {
      if (kubeStatus(error) === 404) return false;
      throw kubeFailure(this.target, 'get jobs', error);
    }
  }

  /** Resolves on the next change to the Job's pods (a watch event), or after RECHECK_MS. */
  private async nextChange(version: string | undefined, signal: AbortSignal): Promise<void> {
    const { k8s, config } = await this.client();
    let stop: AbortController | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve) => {
        timer = setTimeout(resolve, RECHECK_MS);
        signal.addEventListener('abort', () => resolve(), { once: true });
        const query = {
          labelSelector: `${LABEL_JOB}=${this.name}`,
          ...(version === undefined ? {} : { resourceVersion: version }),
        };
        void new k8s.Watch(config)
          .watch(
            `/api/v1/namespaces/${this.target.namespace}/pods`,
            query,
            () => resolve(),
            () => undefined,
          )
          .then(
            (controller) => (stop = controller),
            () => undefined,
          );
      });
    } finally {
      clearTimeout(timer);
      stop?.abort();
    }
  }

  /** The pod's state, once it is not pending any more (or waited too long, and was deleted for it). */
  private async settled(signal: AbortSignal, until: (state: PodState) => boolean): Promise<PodState | undefined> {
    const maxPending = this.target.maxPendingSeconds ?? DEFAULT_MAX_PENDING_S;
    while (!signal.aborted) {
      const { pod, version } = await this.pod();
      if (pod === undefined && !(await this.jobExists()))
        return { kind: 'ended', end: { exitCode: null, reason: this.problem ?? `its Job ${this.name} is gone there` } };
      const state = pod === undefined ? undefined : podState(pod, this.target);
      if (state !== undefined && until(state)) return state;
      if (state?.kind === 'stuck' || (state?.kind === 'pending' && Date.now() - state.since > maxPending * 1000)) {
        const reason = state.kind === 'stuck' ? state.reason : pendingTooLong(state, maxPending);
        // Kept first: another waiter on this handle may find the Job gone before this one returns.
        this.problem ??= reason;
        await this.deleteJob(0);
        return { kind: 'ended', end: { exitCode: null, reason } };
      }
      await this.nextChange(version, signal);
    }
    return undefined;
  }

  /**
   * Sends the workspace into the pod once its keeper runs (the job's command starts then); when that
   * fails, the Job is deleted and its end says why. A pod that never starts is `wait`'s to report.
   */
  send(note: (text: string) => void): void {
    const sending = async () => {
      const state = await this.settled(
        AbortSignal.timeout(7 * 86_400_000),
        (each) => each.kind === 'ended' || (each.kind === 'running' && each.keeper),
      );
      if (state === undefined || state.kind === 'ended' || state.kind === 'stuck') return;
      const { pod } = await this.pod();
      if (pod === undefined) return;
      const ref = { client: await this.client(), namespace: this.target.namespace, pod: pod.metadata.name };
      const bytes = await sendWorkspace(ref, this.job.workspaceFolder).catch((error: unknown) => {
        throw kubeFailure(this.target, 'create pods/exec (to send the workspace)', error);
      });
      note(`sent the workspace (${bytes} bytes of tar) into pod ${pod.metadata.name}`);
    };
    sending().catch(async (error: unknown) => {
      this.problem = error instanceof AppError ? `${error.message} ${error.hint ?? ''}`.trim() : String(error);
      note(this.problem);
      await this.kill().catch(() => undefined);
    });
  }

  async wait(signal: AbortSignal): Promise<HandleEnd> {
    const state = await this.settled(signal, (each) => each.kind === 'ended');
    if (state?.kind === 'ended') return state.end;
    throw new AppError('unavailable', `Stopped waiting for the Kubernetes job ${this.name}.`);
  }

  /** Reads the main container's log into `sink`, following it or not, from its first byte on. */
  private async readLog(podName: string, follow: boolean, sink: (bytes: Buffer) => void, signal: AbortSignal) {
    const { k8s, config } = await this.client();
    const out = new PassThrough();
    out.on('data', sink);
    // The client pipes the response into `out`: an abort errors that stream, which is expected here.
    out.on('pipe', (source) => source.on('error', () => out.end()));
    const ended = new Promise<void>((resolve) => {
      out.once('end', resolve);
      out.once('error', () => resolve());
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    try {
      const controller = await new k8s.Log(config).log(this.target.namespace, podName, MAIN_CONTAINER, out, {
        follow,
      });
      signal.addEventListener('abort', () => controller.abort(), { once: true });
    } catch (error) {
      if (kubeStatus(error) === 404 || kubeStatus(error) === 400) return;
      throw kubeFailure(this.target, 'get pods/log', error);
    }
    await ended;
  }

  async follow(sink: OutputSink, signal: AbortSignal): Promise<void> {
    const state = await this.settled(signal, (each) => each.kind === 'running' || each.kind === 'ended');
    if (state === undefined) return;
    const { pod } = await this.pod();
    if (pod === undefined) return;
    await this.readLog(
      pod.metadata.name,
      true,
      (bytes) => {
        this.delivered += bytes.length;
        sink(bytes, 'stdout');
      },
      signal,
    );
  }

  async catchUp(sink: OutputSink, signal: AbortSignal): Promise<void> {
    const { pod } = await this.pod();
    if (pod === undefined) return;
    const chunks: Buffer[] = [];
    await this.readLog(pod.metadata.name, false, (bytes) => chunks.push(bytes), signal);
    const rest = Buffer.concat(chunks).subarray(this.delivered);
    this.delivered += rest.length;
    if (rest.length > 0) sink(rest, 'stdout');
  }

  /** Deletes the Job, and its pod with that grace (a Job's own grace does not reach its pods). */
  private async deleteJob(graceSeconds: number | undefined): Promise<void> {
    const { batch, core } = await this.client();
    const { namespace } = this.target;
    const grace = graceSeconds === undefined ? {} : { gracePeriodSeconds: graceSeconds };
    try {
      await batch.deleteNamespacedJob({ name: this.name, namespace, propagationPolicy: 'Background', ...grace });
    } catch (error) {
      if (kubeStatus(error) !== 404) throw kubeFailure(this.target, 'delete jobs', error);
    }
    try {
      await core.deleteCollectionNamespacedPod({ namespace, labelSelector: `${LABEL_JOB}=${this.name}`, ...grace });
    } catch (error) {
      if (kubeStatus(error) !== 404) throw kubeFailure(this.target, 'delete pods', error);
    }
  }

  /**
   * Asks the command to stop (SIGTERM) and waits the grace, plus the time the pod takes to say so, for it
   * to end; its pod stays, for its outputs/ to be taken. A command that does not end by then, or a pod
   * not running yet, has its Job deleted (outputs/ and all).
   */
  async stop(graceSeconds: number): Promise<void> {
    const { pod } = await this.pod();
    const running = pod !== undefined && podState(pod, this.target).kind === 'running';
    const asked =
      running &&
      (await askToStop({ client: await this.client(), namespace: this.target.namespace, pod: pod.metadata.name }).then(
        () => true,
        () => false,
      ));
    if (asked) {
      const limit = AbortSignal.timeout((graceSeconds + STOP_SLACK_S) * 1000);
      const state = await this.settled(limit, (each) => each.kind === 'ended');
      if (state?.kind === 'ended') return;
    }
    await this.deleteJob(graceSeconds);
  }

  async kill(): Promise<void> {
    await this.deleteJob(0);
  }

  async fetchOutputs(): Promise<void> {
    const { pod } = await this.pod();
    if (pod === undefined)
      throw new AppError(
        'not_found',
        `Target ${this.target.name}: the pod of job ${this.name} is gone, and its outputs/ with it.`,
      );
    const ref = { client: await this.client(), namespace: this.target.namespace, pod: pod.metadata.name };
    try {
      await takeOutputs(ref, this.job.workspaceFolder);
    } catch (error) {
      throw kubeFailure(this.target, 'create pods/exec (to copy outputs/ back)', error);
    }
  }

  async remove(): Promise<void> {
    await this.deleteJob(undefined);
  }
}
