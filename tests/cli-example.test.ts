// `looplab example` on a fresh install with no model server anywhere: the shipped example run is
// imported into the empty data folder and replayed in the real Docker sandbox, every tool result
// matching the recording and the harness scoring both attempts as it did; a second time it is not
// imported again. `looplab runs` on an empty data folder points to it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exampleFile } from '../src/main/runs/example';
import { readArchive } from '../src/main/store/run-archive';
import type { RunEvent } from '../src/shared/events';
import type { RunSummary } from '../src/shared/run-summary';
import { closedPort } from './fakes/collect';
import { CI_IMAGE, ciImagePresent, missingImageMessage } from './fixtures/train-jobs';
import { runCli } from './helpers/cli';
import { dockerRequired, requireDocker, skipDocker } from './helpers/docker';
import { makeTempHome, type TempHome } from './helpers/temp-home';

const present = ciImagePresent();
const exampleId = readArchive(readFileSync(exampleFile())).runId;
let home: TempHome;
let env: NodeJS.ProcessEnv;

interface ReplaySummary {
  runId: string;
  sourceRunId: string;
  status: string;
  reason: string | null;
  diverged: unknown;
}

async function cli(args: string[]) {
  const result = await runCli(['--home', home.paths.root, ...args], { env });
  expect(result.code, result.stderr).toBe(0);
  return result;
}

async function evaluations(runId: string) {
  const { events } = JSON.parse((await cli(['show', runId, '--json'])).stdout) as { events: RunEvent[] };
  return events.flatMap((event) =>
    event.type === 'evaluation.recorded'
      ? [{ metric: event.payload.metric, attempt: event.payload.attempt, value: event.payload.value }]
      : [],
  );
}

async function runs(): Promise<RunSummary[]> {
  return JSON.parse((await cli(['runs', '--json'])).stdout) as RunSummary[];
}

describe.skipIf(skipDocker || (!present && !dockerRequired))('looplab example', () => {
  beforeAll(() => {
    requireDocker();
    if (!present) throw new Error(missingImageMessage);
  });

  beforeEach(async () => {
    home = makeTempHome('looplab-example-');
    env = { OLLAMA_HOST: `http://127.0.0.1:${await closedPort()}`, LOOPLAB_SANDBOX_IMAGE: CI_IMAGE };
  });

  afterEach(() => home.remove());

  it('points to the example while the data folder has no runs', async () => {
    expect((await cli(['runs'])).stdout).toBe(
      `No runs yet in ${home.paths.root}.\nA recorded example run ships with Looplab: replay it, with no model needed, with \`looplab example\`.\n`,
    );
  });

  it(
    'imports the example once and replays it with no model server, scored as it was recorded',
    { timeout: 180_000 },
    async () => {
      const first = await cli(['example', '--json']);
      expect(first.stderr).toContain(`Imported the example run ${exampleId}; replaying it.\n`);
      expect(first.stderr).toContain('→ job_start · {"command":"python3 train.py word 1 3 10","timeout":300}');
      const summary = JSON.parse(first.stdout) as ReplaySummary;
      expect(summary).toMatchObject({
        sourceRunId: exampleId,
        status: 'finished',
        reason: 'Target reached: macro_f1 = 0.8929 (target ≥ 0.85) on attempt 2.',
        diverged: null,
      });
      const recorded = await evaluations(exampleId);
      expect(recorded).toEqual([
        { metric: 'macro_f1', attempt: 1, value: 0.7931 },
        { metric: 'macro_f1', attempt: 2, value: 0.8929 },
      ]);
      expect(await evaluations(summary.runId)).toEqual(recorded);
      const trained = readFileSync(join(home.paths.workspaces, summary.runId, 'predictions.csv'), 'utf8');
      expect(trained.split('\n').filter((line) => line !== '')).toHaveLength(151);
      expect((await runs()).map((run) => [run.id, run.status, run.parentRunId])).toEqual([
        [summary.runId, 'finished', exampleId],
        [exampleId, 'finished', null],
      ]);

      const second = await cli(['example']);
      expect(second.stdout).not.toContain('Imported');
      expect(second.stdout).toContain(`Every tool result matched the recording of ${exampleId}.\n`);
      expect(second.stdout).toMatch(
        /\nrun_\w+ finished: Target reached: macro_f1 = 0\.8929 \(target ≥ 0\.85\) on attempt 2\.\n$/,
      );
      const after = await runs();
      expect(after.filter((run) => run.id === exampleId)).toHaveLength(1);
      expect(after.filter((run) => run.parentRunId === exampleId)).toHaveLength(2);
      expect((await cli(['runs'])).stdout).not.toContain('looplab example');
    },
  );
});
