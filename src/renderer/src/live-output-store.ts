// One place that hears `run.output` and `run.updated` for the whole window and keeps what each run's
// running commands and jobs print; components read their run's output with `useSyncExternalStore`.
import type { LooplabBridge } from '../../shared/contract';
import { withEnded, withOutput, type LiveOutputs } from './live-output';

let outputs: LiveOutputs = new Map();
const listeners = new Set<() => void>();
const none: ReadonlyMap<string, string> = new Map();

function update(next: LiveOutputs): void {
  if (next === outputs) return;
  outputs = next;
  for (const listener of listeners) listener();
}

export function connectLiveOutput(bridge: LooplabBridge): () => void {
  const offOutput = bridge.subscribe('run.output', ({ runId, source, text }) =>
    update(withOutput(outputs, runId, source, text)),
  );
  const offUpdate = bridge.subscribe('run.updated', ({ run, events }) => update(withEnded(outputs, run.id, events)));
  return () => {
    offOutput();
    offUpdate();
  };
}

export function subscribeLiveOutput(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function liveOutputOf(runId: string): ReadonlyMap<string, string> {
  return outputs.get(runId) ?? none;
}
