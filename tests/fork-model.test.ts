// A fork goes on live, so it never goes on with a recording's scripted model (the example run's): the
// request is refused before anything is recorded, saying what to pick.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../src/main/api/handlers';
import { createApp, type App } from '../src/main/app';
import { ensureExample } from '../src/main/runs/example';
import { liveForkModel } from '../src/main/runs/fork-model';
import { makeTempHome, type TempHome } from './helpers/temp-home';

let home: TempHome;
let app: App;
beforeEach(() => {
  home = makeTempHome('looplab-fork-model-');
  app = createApp({ home: home.paths.root, ui: 'web' });
});
afterEach(() => {
  app.close();
  home.remove();
});

describe('the model a fork goes on with', () => {
  it('is the one named, else the parent’s, unless that is a scripted model', () => {
    expect(liveForkModel('ollama/qwen2.5-coder:7b', 'scripted/example-agent')).toBe('ollama/qwen2.5-coder:7b');
    expect(liveForkModel(undefined, 'openai/gpt-4o-mini')).toBe('openai/gpt-4o-mini');
    expect(() => liveForkModel(undefined, 'scripted/example-agent')).toThrow(
      'scripted/example-agent is a recording’s scripted model',
    );
  });

  it('refuses a live fork of the example run with its scripted model, naming what to pick', async () => {
    const { runId } = ensureExample(app.store);
    const seq = app.store.requireRun(runId).lastSeq;
    const before = app.store.listRuns().length;
    for (const model of [undefined, 'scripted/example-agent']) {
      const result = await dispatch(app.handlers, 'runs.fork', { runId, seq, message: 'Try char n-grams.', model });
      expect(result).toEqual({
        ok: false,
        error: {
          code: 'invalid_input',
          message:
            'scripted/example-agent is a recording’s scripted model: it replays what was recorded and cannot continue live.',
          hint: expect.stringContaining('the default model in Settings'),
        },
      });
    }
    expect(app.store.listRuns()).toHaveLength(before);
  });
});
