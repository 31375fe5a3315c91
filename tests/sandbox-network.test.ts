// A run whose network is an allow-list, on the real engine: its sandbox has no network but a relay to the
// run's egress proxy, which lets through only the hosts listed (or that the person allows when asked).
// The package index is a container of the test's own (tests/fixtures/package-index.ts); pip is Debian's,
// in the CI image.
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelRequest } from '../src/main/core/model';
import type { ApprovalDecision, ApprovalGate, ApprovalRequest } from '../src/main/core/ports';
import { createRunLoop, workspaceDir } from '../src/main/runs/run-loop';
import { SandboxEvaluator } from '../src/main/sandbox/evaluation';
import type { RunEvent } from '../src/shared/events';
import { loopConfigSchema } from '../src/shared/loop-config';
import { buildGraph } from '../src/shared/run-graph';
import { CI_IMAGE, ciImagePresent, missingImageMessage } from './fixtures/train-jobs';
import { PACKAGE, startPackageIndex, type PackageIndex } from './fixtures/package-index';
import { dockerRequired, requireDocker, skipDocker } from './helpers/docker';
import { ScriptedModel, unusedModels, type Turn } from './helpers/scripted-model';
import { sandboxAppPerTest } from './helpers/sandbox-app';

const docker = new Docker();
const present = ciImagePresent();
let index: PackageIndex;
const sandbox = sandboxAppPerTest('looplab-network-');

function lastToolOutput(request: ModelRequest): string {
  const last = request.messages[request.messages.length - 1];
  return last?.role === 'tool' ? last.content : '';
}

/** `pip install` of the test's package from an index, into /tmp (a run's pip would use its workspace). */
function pipInstall(from: string, scheme = 'http'): string {
  return `pip install --no-cache-dir --disable-pip-version-check --target /tmp/pkgs-${from.split(':')[1]} --index-url ${scheme}://${from}/simple --trusted-host ${from.split(':')[0]} ${PACKAGE} 2>&1 | tail -n 4; python3 -c "import sys; sys.path.insert(0, '/tmp/pkgs-${from.split(':')[1]}'); import ${PACKAGE}; print('VALUE', ${PACKAGE}.VALUE)"`;
}

async function runScript(allow: string[], turns: Turn[], gate: ApprovalGate) {
  const config = loopConfigSchema.parse({ maxSteps: 10, network: { allow } });
  const runId = sandbox.app.store.createRun({
    goal: 'install a package',
    model: 'scripted/test',
    origin: 'new',
    config,
  }).runId;
  const model = new ScriptedModel(turns);
  const loop = createRunLoop({
    app: sandbox.app,
    runId,
    model: { name: 'scripted/test', provider: model, model: 'test', info: await model.check() },
    models: unusedModels,
    config,
    gate,
  });
  const outcome = await loop.run(new AbortController().signal);
  return { runId, outcome, events: sandbox.app.store.loadEvents(runId) };
}

function networkEvents(events: readonly RunEvent[]) {
  return events.flatMap((event) => (event.type === 'network.request' ? [event.payload] : []));
}

const refuse: ApprovalGate = {
  decide: async (request) => ({
    decision: 'rejected',
    by: 'policy',
    feedback: `Rejected by the headless policy (--approve deny; ${request.rule}).`,
  }),
};

describe.skipIf(skipDocker || (!present && !dockerRequired))('a sandbox network by allow-list', () => {
  beforeAll(async () => {
    requireDocker();
    if (!present) throw new Error(missingImageMessage);
    index = await startPackageIndex(docker, CI_IMAGE);
  }, 60_000);

  afterAll(async () => {
    await index?.stop();
  });

  it('pip installs from a listed index; an unlisted one is refused at once, naming the host and the setting', async () => {
    const outputs: string[] = [];
    const { outcome, events } = await runScript(
      [index.listed],
      [
        { calls: [{ name: 'bash', args: { command: pipInstall(index.listed) } }] },
        (request) => {
          outputs.push(lastToolOutput(request));
          return { calls: [{ name: 'bash', args: { command: pipInstall(index.unlisted) } }] };
        },
        (request) => {
          outputs.push(lastToolOutput(request));
          return { text: 'done' };
        },
      ],
      refuse,
    );
    expect(outcome).toEqual({ status: 'finished', reason: null });
    expect(outputs[0]).toContain('Successfully installed tinypkg-1.0');
    expect(outputs[0]).toContain('VALUE 42');
    // pip says only that it found nothing; the command's result names the refused host and the setting.
    expect(outputs[1]).toContain('No matching distribution found for tinypkg');
    expect(outputs[1]).not.toContain('VALUE 42');
    expect(outputs[1]).toContain(
      `[network] ${index.unlisted} is not on this run's network allow-list and was refused: Rejected by the headless policy (--approve deny; default for network tools). To allow it, start the run with --network allow:${index.listed},${index.unlisted}`,
    );

    const network = networkEvents(events);
    const allowed = network.filter((request) => request.allowed);
    expect(allowed.length).toBeGreaterThan(0);
    expect(allowed.every((request) => `${request.host}:${request.port}` === index.listed)).toBe(true);
    expect(allowed.reduce((sum, request) => sum + request.bytesIn, 0)).toBeGreaterThan(1000);
    const refused = network.filter((request) => !request.allowed);
    expect(refused.length).toBeGreaterThan(0);
    for (const request of refused) {
      expect(`${request.host}:${request.port}`).toBe(index.unlisted);
      expect(request.reason).toContain(`${index.unlisted} is not on this run's network allow-list`);
      expect(request.reason).toContain(`--network allow:${index.listed},${index.unlisted}`);
      // Refused as soon as asked: the headless policy answers without waiting.
      expect(request.durationMs).toBeLessThan(2000);
    }
    // The question was recorded and answered once for the host, however often pip retried.
    const asked = events.filter((event) => event.type === 'approval.requested');
    expect(asked.map((event) => event.payload)).toEqual([
      expect.objectContaining({
        kind: 'network',
        host: index.unlisted,
        tool: 'network',
        rule: 'default for network tools',
      }),
    ]);
    // The graph puts the connections on the command that made them.
    const commands = buildGraph(events).nodes.filter((node) => node.kind === 'tool');
    expect(commands[0]?.network).toMatchObject({ refused: 0, hosts: [index.listed] });
    expect(commands[1]?.network).toMatchObject({ hosts: [index.unlisted] });
    expect(commands[1]?.network?.refused).toBe(commands[1]?.network?.connections);
  });

  it('pip installs over HTTPS, through a tunnel whose bytes the proxy passes unread', async () => {
    let output = '';
    const { outcome, events } = await runScript(
      [index.tls],
      [
        { calls: [{ name: 'bash', args: { command: pipInstall(index.tls, 'https') } }] },
        (request) => {
          output = lastToolOutput(request);
          return { text: 'done' };
        },
      ],
      refuse,
    );
    expect(outcome).toEqual({ status: 'finished', reason: null });
    expect(output).toContain('Successfully installed tinypkg-1.0');
    expect(output).toContain('VALUE 42');
    const network = networkEvents(events);
    expect(network.length).toBeGreaterThan(0);
    for (const request of network) expect(request).toMatchObject({ host: index.address, port: 8443, allowed: true });
    // The wheel and the page came back through the tunnel, encrypted: more than the wheel's size in all.
    expect(network.reduce((sum, request) => sum + request.bytesIn, 0)).toBeGreaterThan(1000);
  });

  it('asks about an unlisted host: Always allow lets it through and writes the rule', async () => {
    const asked: ApprovalRequest[] = [];
    const gate: ApprovalGate = {
      decide: async (request): Promise<ApprovalDecision> => {
        asked.push(request);
        return {
          decision: 'approved',
          addRule: { tool: 'network', arg: 'host', pattern: index.unlisted, action: 'allow' },
        };
      },
    };
    let output = '';
    const { events } = await runScript(
      [index.listed],
      [
        { calls: [{ name: 'bash', args: { command: pipInstall(index.unlisted) } }] },
        (request) => {
          output = lastToolOutput(request);
          return { text: 'done' };
        },
      ],
      gate,
    );
    expect(asked).toEqual([
      expect.objectContaining({ kind: 'network', tool: 'network', input: { host: index.unlisted } }),
    ]);
    expect(asked[0]?.summary).toContain(`The sandbox wants to reach ${index.unlisted}`);
    expect(output).toContain('VALUE 42');
    expect(events.filter((event) => event.type === 'run.rule').map((event) => event.payload.rule)).toEqual([
      { tool: 'network', arg: 'host', pattern: index.unlisted, action: 'allow' },
    ]);
    expect(networkEvents(events).every((request) => request.allowed)).toBe(true);
  });

  it("gives a job the run's allow-list", async () => {
    let jobId = '';
    let status = '';
    await runScript(
      [index.listed],
      [
        {
          calls: [
            {
              name: 'job_start',
              args: {
                command: `${pipInstall(index.listed)}; curl -fsS -m 5 http://${index.unlisted}/ || echo CURL-FAILED`,
              },
            },
          ],
        },
        (request) => {
          jobId = /Started (job_[a-z0-9]+)/.exec(lastToolOutput(request))![1]!;
          return { calls: [{ name: 'job_status', args: { job_id: jobId, wait: 120 } }] };
        },
        () => ({ calls: [{ name: 'job_logs', args: { job_id: jobId } }] }),
        (request) => {
          status = lastToolOutput(request);
          return { text: 'done' };
        },
      ],
      refuse,
    );
    expect(status).toContain('VALUE 42');
    expect(status).toContain('CURL-FAILED');
  });

  it('gives an evaluation container no network, whatever the run has', async () => {
    const { runId } = await runScript([index.listed], [{ text: 'nothing to do' }], refuse);
    const evaluator = new SandboxEvaluator(sandbox.app.sandbox, workspaceDir(sandbox.app, runId), runId);
    const { output } = await evaluator.runOnce(
      [
        'bash',
        '-c',
        `python3 -c 'import socket; socket.create_connection(("${index.address}", 8080), timeout=5)' 2>&1 | tail -n 1; echo "proxy: [$HTTPS_PROXY]"; ls /run/looplab-net 2>&1 | tail -n 1`,
      ],
      [],
      60,
      new AbortController().signal,
    );
    expect(output).toContain('OSError: [Errno 101] Network is unreachable');
    expect(output).toContain('proxy: []');
    expect(output).toContain('No such file or directory');
  });
});
