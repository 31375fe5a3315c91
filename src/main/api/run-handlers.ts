// The handlers that act on runs: start, stop, resume, fork, decide an approval, replay.
import { ensureExample } from '../runs/example';
import { configWithDefaults, defaultModel } from '../settings/run-defaults';
import { loadSettings } from '../settings/settings-store';
import type { HandlerDeps, Handlers } from './handlers';

export function runHandlers({ runs, paths, settings, store }: HandlerDeps) {
  return {
    'runs.start': ({ goal, model, maxSteps, rules, budget, runtime, contextLength, parent }) => {
      const defaults = loadSettings(paths);
      return runs.start({
        goal,
        model: model ?? defaultModel(defaults),
        contextLength,
        parent,
        config: configWithDefaults(defaults, { maxSteps, rules, budget, runtime }),
      });
    },
    'runs.stop': ({ runId }) => ({ stopped: runs.stop(store.requireRun(runId).id) }),
    'runs.resume': ({ runId, maxSteps, budget }) => runs.resume(runId, { maxSteps, budget }),
    'runs.fork': ({ runId, seq, message, model, decision, feedback }) =>
      runs.fork({
        runId,
        seq,
        message,
        model,
        decision: decision === undefined ? undefined : decision === 'approved' ? { decision } : { decision, feedback },
      }),
    'approvals.decide': (input) => {
      if (input.decision === 'approved' && input.addRule !== undefined) {
        // Refused before anything is saved when the run is not waiting for this call.
        runs.requirePending(input.runId, input.callId);
        settings.addDefaultRule(input.addRule);
      }
      runs.decide(
        input.runId,
        input.callId,
        input.decision === 'approved'
          ? {
              decision: 'approved',
              ...(input.editedInput === undefined ? {} : { editedInput: input.editedInput }),
              ...(input.addRule === undefined ? {} : { addRule: input.addRule }),
              ...(input.feedback === undefined ? {} : { feedback: input.feedback }),
            }
          : { decision: 'rejected', feedback: input.feedback },
      );
      return { decided: true };
    },
    'runs.replay': ({ runId, onDivergence, model, allow }) => runs.replay({ runId, onDivergence, model, allow }),
    'examples.replay': () => runs.replay({ runId: ensureExample(store).runId, onDivergence: 'stop' }),
  } satisfies Partial<Handlers>;
}
