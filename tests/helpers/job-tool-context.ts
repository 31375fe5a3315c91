// What a job tool is given when a test calls it directly: the run and the call, and a workspace it must
// never touch (job tools work through the job service, not the run's sandbox).
import type { ToolContext } from '../../src/main/core/tool';

function never(): never {
  throw new Error('the job tools do not use the run’s workspace');
}

export function jobToolContext(runId: string, callId: string): ToolContext {
  return {
    runId,
    callId,
    signal: new AbortController().signal,
    workspace: { readFile: never, writeFile: never, exec: never },
    progress: () => undefined,
    record: () => [],
    setPlan: () => undefined,
  };
}
