// One place that hears `run.output` and `run.updated` for the whole window and keeps what each run's
// running commands and jobs print; components read their run's output with `useSyncExternalStore`.
import type { LooplabBridge } from '../../shared/contract';
import { withEnded, withOutput, type LiveOutputs } from './live-output';
import { createWindowStore } from './window-store';

const outputs = createWindowStore<LiveOutputs>(new Map());
const none: ReadonlyMap<string, string> = new Map();

/** Starts listening; returns the function that stops. */
export function connectLiveOutput(bridge: LooplabBridge): () => void {
  const offOutput = bridge.subscribe('run.output', ({ runId, source, text }) =>
    outputs.update(withOutput(outputs.get(), runId, source, text)),
  );
  const offUpdate = bridge.subscribe('run.updated', ({ run, events }) =>
    outputs.update(withEnded(outputs.get(), run.id, events)),
  );
  return () => {
    offOutput();
    offUpdate();
  };
}

export const subscribeLiveOutput = outputs.subscribe;

export function liveOutputOf(runId: string): ReadonlyMap<string, string> {
  return outputs.get().get(runId) ?? none;
}
