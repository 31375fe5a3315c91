// The fine-tuning starters, run end to end in the real sandbox with a scripted model and a stand-in for
// each trainer (tests/fixtures/standin-*.py: transformers, torch and the Hub cannot be installed in CI).
// The harness scores the baseline itself, then the attempt, on held-out data the agent never sees, and
// the gate decides on the difference.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelRequest } from '../src/main/core/model';
import { createRunLoop, workspaceDir } from '../src/main/runs/run-loop';
import { copyData, prepareSpec, readLoopSpec, starterSpecsDir } from '../src/main/specs/loop-spec';
import type { Turn } from './helpers/scripted-model';
import { ciImagePresent, missingImageMessage } from './fixtures/train-jobs';
import { dockerRequired, requireDocker, skipDocker } from './helpers/docker';
import { ScriptedModel, unusedModels } from './helpers/scripted-model';
import { sandboxAppPerTest } from './helpers/sandbox-app';

const present = ciImagePresent();
const sandbox = sandboxAppPerTest('looplab-starter-finetune-');

function lastToolOutput(request: ModelRequest): string {
  const last = request.messages[request.messages.length - 1];
  return last?.role === 'tool' ? last.content : '';
}

/** Starts `command` as a job, waits for it, keeps what job_status said, and says it is done. */
function jobThenDone(command: string, said: string[]): Turn[] {
  return [
    { calls: [{ name: 'job_start', args: { command, timeout: 300 } }] },
    (request) => {
      const jobId = /Started (job_[a-z0-9]+)/.exec(lastToolOutput(request))![1]!;
      return { calls: [{ name: 'job_status', args: { job_id: jobId, wait: 240 } }] };
    },
    (request) => {
      said.push(lastToolOutput(request));
      return { text: 'Done: predictions.csv is written.' };
    },
  ];
}

async function runStarter(name: string, standin: string, turns: (said: string[]) => Turn[]) {
  const file = join(starterSpecsDir(), name, 'loop.yaml');
  const prepared = prepareSpec(readLoopSpec(file), file, {});
  const { app } = sandbox;
  const runId = app.store.createRun({
    goal: prepared.goal,
    model: 'scripted/test',
    origin: 'spec',
    config: prepared.config,
  }).runId;
  const workspace = workspaceDir(app, runId);
  copyData(prepared.data, workspace);
  copyFileSync(new URL(`./fixtures/${standin}`, import.meta.url), join(workspace, standin));
  const said: string[] = [];
  const model = new ScriptedModel(turns(said));
  const loop = createRunLoop({
    app,
    runId,
    model: { name: 'scripted/test', provider: model, model: 'test', info: await model.check() },
    models: unusedModels,
    config: prepared.config,
    gate: { decide: () => Promise.resolve({ decision: 'approved' }) },
  });
  const outcome = await loop.run(new AbortController().signal);
  return { outcome, said, events: app.store.loadEvents(runId), workspace };
}

describe.skipIf(skipDocker || (!present && !dockerRequired))('the fine-tuning starters', () => {
  beforeAll(() => {
    requireDocker();
    if (!present) throw new Error(missingImageMessage);
  });

  it('text-classifier-finetune: beats the TF-IDF baseline the harness scores, by the margin', async () => {
    const { outcome, said, events } = await runStarter('text-classifier-finetune', 'standin-finetune.py', (said) => [
      { calls: [{ name: 'data_inspect', args: { path: 'train.csv', method: 'classification' } }] },
      ...jobThenDone('python3 standin-finetune.py --train train.csv --test test.csv --epochs 3', said),
    ]);
    expect(said[0]).toMatch(/succeeded \(exit code 0\)/);
    // The Trainer's dict lines and the callback's JSON lines both became the job's metric series.
    const metrics = events.flatMap((event) => (event.type === 'job.metric' ? [event.payload.values] : []));
    expect(metrics.some((values) => 'eval_macro_f1' in values)).toBe(true);
    const scores = events.flatMap((event) =>
      event.type === 'evaluation.recorded' ? [[event.payload.role ?? 'attempt', event.payload.value]] : [],
    );
    expect(scores).toEqual([
      ['baseline', 0.8326],
      ['attempt', expect.any(Number)],
    ]);
    expect(outcome.status).toBe('finished');
    expect(outcome.reason).toMatch(
      /^Target reached: macro_f1 = 0\.9\d+ \(target ≥ 0\.8526: TF-IDF \+ logistic regression 0\.8326 \+ 0\.02\) on attempt 1\.$/,
    );
  });

  it('sft-lora: beats the base model the harness scores from its answers, on held-out prompts', async () => {
    const { outcome, said, events } = await runStarter('sft-lora', 'standin-sft.py', (said) => [
      { calls: [{ name: 'read', args: { path: 'sft_lora.py' } }] },
      { calls: [{ name: 'job_start', args: { command: 'python3 standin-sft.py --base-only', timeout: 300 } }] },
      (request) => {
        const jobId = /Started (job_[a-z0-9]+)/.exec(lastToolOutput(request))![1]!;
        return { calls: [{ name: 'job_status', args: { job_id: jobId, wait: 240 } }] };
      },
      ...jobThenDone('python3 standin-sft.py --data data/train.jsonl --epochs 3', said),
    ]);
    expect(said[0]).toMatch(/succeeded \(exit code 0\)/);
    const perplexity = events.flatMap((event) =>
      event.type === 'job.metric' && 'perplexity' in event.payload.values ? [event.payload.values.perplexity] : [],
    );
    expect(perplexity).toHaveLength(3);
    const scores = events.flatMap((event) =>
      event.type === 'evaluation.recorded' ? [[event.payload.role ?? 'attempt', event.payload.value]] : [],
    );
    // The base model's prose shares a few words with the answers; the tuned answers are the answers.
    expect(scores).toEqual([
      ['baseline', expect.any(Number)],
      ['attempt', 1],
    ]);
    expect(scores[0]![1]).toBeLessThan(0.5);
    expect(outcome.status).toBe('finished');
    expect(outcome.reason).toMatch(
      /^Target reached: rouge_l = 1 \(target ≥ 0\.\d+: the base model 0\.\d+ \+ 0\.05\) on attempt 1\.$/,
    );
  });
});
