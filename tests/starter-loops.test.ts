// The starter loop shipped with the app, run end to end in the real sandbox with a scripted model: the
// agent inspects the data, trains a classifier as a job, and the harness scores its predictions on labels
// the agent never sees; the retry rule takes it from a weak first attempt to the target.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelRequest } from '../src/main/core/model';
import { createRunLoop, workspaceDir } from '../src/main/runs/run-loop';
import { copyData, prepareSpec, readLoopSpec, starterSpecsDir } from '../src/main/specs/loop-spec';
import { ciImagePresent, missingImageMessage } from './fixtures/train-jobs';
import { dockerRequired, requireDocker, skipDocker } from './helpers/docker';
import { ScriptedModel, type Turn, unusedModels } from './helpers/scripted-model';
import { sandboxAppPerTest } from './helpers/sandbox-app';

const present = ciImagePresent();
const sandbox = sandboxAppPerTest('looplab-starter-');

const models = unusedModels;

// What a reasonable agent would write: TF-IDF features and logistic regression, its settings from argv.
const TRAIN = `import csv, json, sys
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
analyzer, low, high, c = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
rows = list(csv.DictReader(open('train.csv')))
vec = TfidfVectorizer(analyzer=analyzer, ngram_range=(low, high))
X = vec.fit_transform([r['text'] for r in rows])
y = [r['label'] for r in rows]
clf = LogisticRegression(max_iter=1000, C=c)
print(json.dumps({"step": 1, "cv_accuracy": round(float(cross_val_score(clf, X, y, cv=5).mean()), 4)}))
clf.fit(X, y)
test = list(csv.DictReader(open('test.csv')))
with open('predictions.csv', 'w', newline='') as out:
    writer = csv.writer(out)
    writer.writerow(['id', 'label'])
    writer.writerows(zip([r['id'] for r in test], clf.predict(vec.transform([r['text'] for r in test]))))
`;

function lastToolOutput(request: ModelRequest): string {
  const last = request.messages[request.messages.length - 1];
  return last?.role === 'tool' ? last.content : '';
}

/** Starts a training job with these settings, then waits for it. */
function trainAttempt(settings: string, outputs: string[]): Turn[] {
  return [
    { calls: [{ name: 'job_start', args: { command: `python3 train.py ${settings}`, timeout: 300 } }] },
    (request) => {
      const jobId = /Started (job_[a-z0-9]+)/.exec(lastToolOutput(request))![1]!;
      return { calls: [{ name: 'job_status', args: { job_id: jobId, wait: 240 } }] };
    },
    (request) => {
      outputs.push(lastToolOutput(request));
      return { text: 'Trained; predictions.csv has a label for every test id.' };
    },
  ];
}

describe.skipIf(skipDocker || (!present && !dockerRequired))('the starter loops', () => {
  beforeAll(() => {
    requireDocker();
    if (!present) throw new Error(missingImageMessage);
  });

  it('text-classifier: inspects the data, trains as a job, and is scored by the harness until the target', async () => {
    const file = join(starterSpecsDir(), 'text-classifier', 'loop.yaml');
    const prepared = prepareSpec(readLoopSpec(file), file, {});
    const runId = sandbox.app.store.createRun({
      goal: prepared.goal,
      model: 'scripted/test',
      origin: 'spec',
      config: prepared.config,
    }).runId;
    copyData(prepared.data, workspaceDir(sandbox.app, runId));

    const inspected: string[] = [];
    const jobOutputs: string[] = [];
    const tried: string[] = [];
    const model = new ScriptedModel([
      { calls: [{ name: 'data_inspect', args: { path: 'train.csv', method: 'classification' } }] },
      (request) => {
        inspected.push(lastToolOutput(request));
        return { calls: [{ name: 'write', args: { path: 'train.py', content: TRAIN } }] };
      },
      ...trainAttempt('word 1 1 0.05', jobOutputs).slice(0, 2),
      // Before saying it is done, the agent scores itself on the held-out labels it cannot read.
      { calls: [{ name: 'bash', args: { command: 'cat /heldout/test_labels.csv' } }] },
      (request) => {
        tried.push(lastToolOutput(request));
        return {
          calls: [
            {
              name: 'evaluate',
              args: { metric: 'f1_macro', predictions: 'predictions.csv', references: 'heldout:test_labels.csv' },
            },
            {
              name: 'evaluate',
              args: { metric: 'accuracy', predictions: 'predictions.csv', references: 'heldout:labels.csv' },
            },
          ],
        };
      },
      (request) => {
        tried.push(...request.messages.slice(-2).map((message) => message.content));
        return { text: 'Trained; predictions.csv has a label for every test id.' };
      },
      ...trainAttempt('word 1 3 10', jobOutputs),
    ]);
    const loop = createRunLoop({
      app: sandbox.app,
      runId,
      model: { name: 'scripted/test', provider: model, model: 'test', info: await model.check() },
      models,
      config: prepared.config,
      gate: { decide: () => Promise.resolve({ decision: 'approved' }) },
    });
    const outcome = await loop.run(new AbortController().signal);

    expect(inspected[0]).toMatch(/450 rows/);
    expect(inspected[0]).toMatch(/negative/);
    expect(jobOutputs[0]).toContain('cv_accuracy');
    expect(tried[0]).toContain('No such file or directory');
    expect(tried[1]).toMatch(
      /^f1_macro = 0\.7931 for predictions\.csv against heldout:test_labels\.csv \(f1_macro = 0\.793083 over 150 rows; 0 without a prediction\)\. Recorded\.$/,
    );
    expect(tried[2]).toBe('This run has no held-out file labels.csv. It has: test_labels.csv, score.py.');
    expect(outcome).toEqual({
      status: 'finished',
      reason: 'Target reached: macro_f1 = 0.8929 (target ≥ 0.85) on attempt 2.',
    });
    const events = sandbox.app.store.loadEvents(runId);
    const scores = events.flatMap((event) =>
      event.type === 'evaluation.recorded' ? [[event.payload.metric, event.payload.attempt, event.payload.value]] : [],
    );
    expect(scores).toEqual([
      ['f1_macro', undefined, 0.793083],
      ['macro_f1', 1, 0.7931],
      ['macro_f1', 2, 0.8929],
    ]);
    expect(events.filter((event) => event.type === 'job.metric')).toHaveLength(2);
    // Between the attempts the model was told its score, and nothing of the held-out labels.
    const told = model.requests[7]!.messages.at(-1)!;
    expect(told.content).toContain('attempt 1 of 3): macro_f1 = 0.7931 (target ≥ 0.85)');
  });
});
