// A run's network allow-list at work: the run's egress proxy, and who decides each connection. The
// allow-list (with its presets) lets a host through; then the run's rules for the `network` tool decide
// (`allow network where host matches "*.example.org:443"`); else the person is asked through the run's
// approval gate, and the sandbox's connection waits for the answer. An answer holds for the rest of the
// run (it is derived from the log, so a resume keeps it); Always allow also writes the rule. Every
// connection is recorded as a `network.request` event once it closes.
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunEvent } from '../../shared/events';
import type { ApprovalRule, LoopConfig } from '../../shared/loop-config';
import { allowedBy, hostPatterns, networkText, type HostPattern } from '../../shared/network-policy';
import { pendingApprovals } from '../../shared/pending-approvals';
import { decideApproval } from '../core/approvals';
import type { ApprovalGate } from '../core/ports';
import type { Recorder } from '../core/recorder';
import type { Workspace } from '../core/tool';
import { EGRESS_SOCKET, type SandboxNetwork } from '../sandbox/container-spec';
import { EgressProxy, type EgressDecision } from '../sandbox/egress-proxy';
import { engineInVm } from '../sandbox/engine-profile';
import { AppError } from '../../shared/errors';
import type { RunDeps } from './run-deps';

/** The pseudo-tool that network rules and questions name. */
export const NETWORK_TOOL = 'network';
/** Unix socket paths are limited (104–108 bytes); longer data folders put the socket under the temp folder. */
const MAX_SOCKET_PATH = 100;

/** The folder of a run's egress socket, short enough for a socket path. */
export function egressFolder(app: Pick<RunDeps, 'paths'>, runId: string): string {
  const name = createHash('sha256').update(runId).digest('hex').slice(0, 12);
  const inHome = join(app.paths.root, 'net', name);
  if (join(inHome, EGRESS_SOCKET).length <= MAX_SOCKET_PATH) return inHome;
  const home = createHash('sha256').update(app.paths.root).digest('hex').slice(0, 8);
  return join(tmpdir(), `looplab-net-${home}`, name);
}

/** What a run's containers get for its network config; the folder of its egress socket for an allow-list. */
export function sandboxNetwork(app: Pick<RunDeps, 'paths'>, runId: string, config: LoopConfig): SandboxNetwork {
  if (config.network === 'full') return 'bridge';
  if (config.network === 'none') return 'none';
  return { egress: egressFolder(app, runId) };
}

export interface RunNetworkOptions {
  app: Pick<RunDeps, 'paths' | 'store' | 'sandbox'>;
  runId: string;
  config: LoopConfig;
  gate: ApprovalGate;
  recorder: Recorder;
  /** uid:gid of the containers' user. */
  user?: string;
}

/** The hosts refused while one command ran, told to the model at the end of its output. */
const MAX_NOTED = 5;

/**
 * A run's network: what its containers are given, and for an allow-list its egress proxy, opened while
 * the loop runs. Commands' results name the hosts refused while they ran (pip, for one, says only that
 * no package was found).
 */
export class RunNetwork {
  readonly sandbox: SandboxNetwork;
  private proxy: EgressProxy | undefined;
  private refusals: { seq: number; target: string; reason: string }[] = [];
  private refusalCount = 0;

  constructor(private readonly options: RunNetworkOptions) {
    this.sandbox =
      options.config.runtime === 'host' ? 'none' : sandboxNetwork(options.app, options.runId, options.config);
  }

  /** Opens the egress proxy when the network is an allow-list (nothing to open otherwise). */
  async open(signal: AbortSignal): Promise<void> {
    if (typeof this.sandbox !== 'object' || this.proxy !== undefined) return;
    if (await engineInVm(this.options.app.sandbox.docker))
      throw new AppError(
        'unavailable',
        `This run's network is an allow-list (${networkText(this.options.config.network)}), which needs a Docker engine running on this machine: Docker Desktop runs containers in a VM, where Looplab's egress proxy cannot be reached.`,
        'Start the run with --network none, or --network full to give its sandbox the whole network.',
      );
    const policy = new NetworkPolicy(this.options, signal);
    const { recorder, user } = this.options;
    this.proxy = await EgressProxy.open({
      folder: this.sandbox.egress,
      decide: (request) => policy.decide(request.host, request.port),
      onConnection: (record) => {
        recorder.record([{ type: 'network.request', payload: record }]);
        if (!record.allowed) this.noteRefusal(`${record.host}:${record.port}`, record.reason ?? 'refused');
      },
      ...(user === undefined ? {} : { user }),
    });
  }

  async close(): Promise<void> {
    const proxy = this.proxy;
    this.proxy = undefined;
    await proxy?.close();
  }

  /** The workspace, whose commands' output ends with the hosts refused while they ran. */
  noting(workspace: Workspace): Workspace {
    if (typeof this.sandbox !== 'object') return workspace;
    return {
      readFile: (path) => workspace.readFile(path),
      writeFile: (path, content) => workspace.writeFile(path, content),
      exec: async (command, options) => {
        const from = this.refusalCount;
        const result = await workspace.exec(command, options);
        const notes = this.refusedSince(from);
        if (notes === '') return result;
        const output = result.output === '' || result.output.endsWith('\n') ? result.output : `${result.output}\n`;
        return { ...result, output: `${output}${notes}` };
      },
    };
  }

  private noteRefusal(target: string, reason: string): void {
    this.refusalCount += 1;
    this.refusals.push({ seq: this.refusalCount, target, reason });
    if (this.refusals.length > 50) this.refusals = this.refusals.slice(-50);
  }

  private refusedSince(count: number): string {
    const seen = new Map<string, string>();
    for (const refusal of this.refusals) if (refusal.seq > count) seen.set(refusal.target, refusal.reason);
    if (seen.size === 0) return '';
    const lines = [...seen.values()].slice(0, MAX_NOTED).map((reason) => `[network] ${reason}`);
    if (seen.size > MAX_NOTED) lines.push(`[network] … and ${seen.size - MAX_NOTED} more hosts refused`);
    return `${lines.join('\n')}\n`;
  }
}

class NetworkPolicy {
  private readonly patterns: HostPattern[];
  /** Hosts (`name:port`) the person answered about in this run. */
  private readonly answered = new Map<string, EgressDecision>();
  private readonly asking = new Map<string, Promise<EgressDecision>>();
  private readonly rules: ApprovalRule[];

  constructor(
    private readonly options: RunNetworkOptions,
    private readonly signal: AbortSignal,
  ) {
    const { config } = options;
    this.patterns = typeof config.network === 'object' ? hostPatterns(config.network.allow) : [];
    this.rules = [...config.rules];
    const events = options.app.store.loadEvents(options.runId);
    this.remember(events);
    this.closeUnanswered(events);
    options.recorder.watch((progress) => {
      if (progress.type === 'event' && progress.event.type === 'run.rule')
        this.rules.unshift(progress.event.payload.rule);
    });
  }

  async decide(host: string, port: number): Promise<EgressDecision> {
    const listed = allowedBy(this.patterns, host, port);
    if (listed !== undefined) return { allowed: true, exact: listed.exact };
    const target = `${host}:${port}`;
    const answered = this.answered.get(target);
    if (answered !== undefined) return answered;
    const verdict = decideApproval(this.rules, NETWORK_TOOL, 'network', { host: target });
    if (verdict.action === 'allow') return { allowed: true, exact: !verdict.rule.includes('*') };
    if (verdict.action === 'deny')
      return { allowed: false, reason: `${target} is refused by the rule "${verdict.rule}".` };
    let asking = this.asking.get(target);
    if (asking === undefined) {
      asking = this.ask(target, verdict.rule).finally(() => this.asking.delete(target));
      this.asking.set(target, asking);
    }
    return asking;
  }

  private async ask(target: string, rule: string): Promise<EgressDecision> {
    const { recorder, runId, gate } = this.options;
    const { signal } = this;
    const callId = networkCallId(target);
    const summary = `The sandbox wants to reach ${target}, which this run's network (${networkText(this.options.config.network)}) does not list. Allow it for this run?`;
    recorder.record([
      {
        type: 'approval.requested',
        payload: { callId, tool: NETWORK_TOOL, summary, rule, kind: 'network', host: target },
      },
      { type: 'run.status', payload: { status: 'waiting' } },
    ]);
    const request = {
      kind: 'network' as const,
      runId,
      callId,
      tool: NETWORK_TOOL,
      input: { host: target },
      summary,
      rule,
    };
    let decision;
    try {
      decision = await gate.decide(request, signal);
    } catch {
      return { allowed: false, reason: `${target} was not answered before the run stopped.` };
    }
    const feedback = decision.feedback?.trim();
    recorder.record([
      {
        type: 'approval.resolved',
        payload: { callId, decision: decision.decision, ...(feedback ? { feedback } : {}) },
      },
      ...(decision.decision === 'approved' && decision.addRule !== undefined
        ? [{ type: 'run.rule' as const, payload: { rule: decision.addRule, callId } }]
        : []),
      { type: 'run.status', payload: { status: 'running' } },
    ]);
    const answer: EgressDecision =
      decision.decision === 'approved'
        ? { allowed: true, exact: true }
        : { allowed: false, reason: refusal(target, this.options.config, feedback, decision.by) };
    this.answered.set(target, answer);
    return answer;
  }

  /** The answers recorded before (a resume), so nothing is asked twice in a run. */
  private remember(events: readonly RunEvent[]): void {
    const hosts = new Map<string, string>();
    for (const event of events) {
      if (event.type === 'approval.requested' && event.payload.kind === 'network' && event.payload.host !== undefined)
        hosts.set(event.payload.callId, event.payload.host);
      if (event.type !== 'approval.resolved') continue;
      const target = hosts.get(event.payload.callId);
      if (target === undefined) continue;
      const { decision } = event.payload;
      const feedback = typeof event.payload.feedback === 'string' ? event.payload.feedback : undefined;
      this.answered.set(
        target,
        decision === 'approved'
          ? { allowed: true, exact: true }
          : { allowed: false, reason: refusal(target, this.options.config, feedback, 'person') },
      );
    }
  }

  /** A question left open when Looplab stopped: the connection that asked is gone; it is asked again if tried. */
  private closeUnanswered(events: readonly RunEvent[]): void {
    const open = pendingApprovals(events).filter((approval) => approval.kind === 'network');
    if (open.length === 0) return;
    this.options.recorder.record(
      open.map((approval) => ({
        type: 'approval.resolved' as const,
        payload: {
          callId: approval.callId,
          decision: 'rejected' as const,
          feedback: 'The connection that asked was closed when Looplab stopped; a new attempt asks again.',
        },
      })),
    );
  }
}

/** One question per host and port in a run. */
export function networkCallId(target: string): string {
  return `net_${target}`;
}

/** What the model reads when a host is refused: which host, why, and the setting that would allow it. */
function refusal(
  target: string,
  config: LoopConfig,
  feedback: string | undefined,
  by: 'person' | 'policy' | 'no-terminal' | undefined,
): string {
  const who =
    by === 'policy' || by === 'no-terminal'
      ? `refused: ${(feedback ?? 'by the headless policy').replace(/\.$/, '')}`
      : `refused by the person${feedback ? `: ${feedback}` : ''}`;
  const host = target.replace(/:(80|443)$/, '');
  const list = typeof config.network === 'object' ? config.network.allow : [];
  return `${target} is not on this run's network allow-list and was ${who}. To allow it, start the run with --network allow:${[...list, host].join(',')} (or add "${host}" to network.allow in the loop spec, or to the default network in Settings).`;
}
