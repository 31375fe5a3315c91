// A publish in the loop: a gate no person answers (a bench's, which approves everything else) never
// approves it, and a gate a person answers is asked with the dry run as the call's summary.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApprovalGate, ApprovalRequest } from '../src/main/core/ports';
import { hubPublishTool } from '../src/main/tools/hub-publish';
import { useLoopSetup } from './helpers/loop-setup';
import { ScriptedModel } from './helpers/scripted-model';

const setup = useLoopSetup();
const PUBLISH = { name: 'hub_publish', args: { kind: 'model', repo: 'me/clf', paths: ['outputs/model'] } };

function publishTool(runId: string) {
  return hubPublishTool({
    runId,
    workspaceFolder: setup.workspace,
    events: () => setup.store.loadEvents(runId),
    runExport: () => ({ fileName: 'x.looplab.gz', bytes: new Uint8Array() }),
    // Nothing answers here: the calls below must never reach a Hub.
    endpoint: () => ({ url: 'http://127.0.0.1:9', token: 'hf_x' }),
    version: '1.0.0',
  });
}

function toolOutputs(runId: string): string[] {
  return setup.store
    .loadEvents(runId)
    .flatMap((event) => (event.type === 'tool.finished' ? [String(event.payload.output)] : []));
}

/** Runs a loop whose model calls hub_publish once, with this gate; what the gate was asked, and the outputs. */
async function publishWith(gate: ApprovalGate) {
  mkdirSync(join(setup.workspace, 'outputs/model'), { recursive: true });
  writeFileSync(join(setup.workspace, 'outputs/model/weights.bin'), 'w');
  const model = new ScriptedModel([{ calls: [PUBLISH] }, { text: 'Not published.' }]);
  const runId = setup.store.createRun({ goal: 'Publish it', model: 'scripted/test', origin: 'new' }).runId;
  const { loop } = setup.makeLoop({ model, gate, tools: [publishTool(runId)] }, runId);
  await loop.run(new AbortController().signal);
  return toolOutputs(runId);
}

describe('hub_publish in the loop', () => {
  it('is not approved by a gate no person answers, which approves everything else', async () => {
    const asked: ApprovalRequest[] = [];
    const outputs = await publishWith({ decide: async (request) => (asked.push(request), { decision: 'approved' }) });
    expect(asked).toEqual([]);
    expect(outputs).toEqual([
      "The run's approval policy rejected this call: Publishing needs a person to approve it, and no one is asked in this run.",
    ]);
  });

  it('asks a gate a person answers, showing the dry run', async () => {
    const asked: ApprovalRequest[] = [];
    const outputs = await publishWith({
      asksPeople: true,
      decide: async (request) => (asked.push(request), { decision: 'rejected', feedback: 'Not yet.' }),
    });
    expect(asked.map((request) => [request.tool, request.risk, request.rule])).toEqual([
      ['hub_publish', 'publish', 'default for publish tools'],
    ]);
    expect(asked[0]!.summary.split('\n')[0]).toBe('Publish to the Hub: model me/clf (created private if missing)');
    expect(asked[0]!.summary).toContain('\n  weights.bin        1 B  ← outputs/model/weights.bin\n');
    expect(outputs).toEqual(['The person rejected this call: Not yet.']);
  });
});
