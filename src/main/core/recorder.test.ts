import { describe, expect, it } from 'vitest';
import type { EventDraft, RunEvent } from '../../shared/events';
import type { RunLog } from './ports';
import { RunRecorder, type LoopProgress } from './recorder';
import { createRedactor } from './redact';

const secret = 'svc/Hq2vX9+pL4mN8rT1wQ=zK';

/** A log in memory: what was appended, as it was appended. */
function memoryLog(): RunLog & { appended: EventDraft[] } {
  const appended: EventDraft[] = [];
  return {
    appended,
    append: (runId, drafts) =>
      drafts.map((draft) => {
        appended.push(draft);
        return { ...draft, runId, seq: appended.length, time: 0 } as RunEvent;
      }),
    loadEvents: () => [],
  };
}

function watched(): { recorder: RunRecorder; log: ReturnType<typeof memoryLog>; heard: LoopProgress[] } {
  const log = memoryLog();
  const recorder = new RunRecorder(log, 'run_1', createRedactor([secret]));
  const heard: LoopProgress[] = [];
  recorder.watch((progress) => heard.push(progress));
  return { recorder, log, heard };
}

describe('the run recorder', () => {
  it('redacts what it appends, and publishes the events as appended', () => {
    const { recorder, log, heard } = watched();
    recorder.record([{ type: 'message.user', payload: { text: `use ${secret}`, source: 'person' } }]);
    expect(log.appended).toEqual([{ type: 'message.user', payload: { text: 'use [redacted]', source: 'person' } }]);
    expect(heard).toEqual([{ type: 'event', event: expect.objectContaining({ payload: log.appended[0]!.payload }) }]);
  });

  it('streams words cut anywhere inside a secret without ever showing it, all shown by the end of the reply', () => {
    const { recorder, heard } = watched();
    const reply = `the key ${secret} and ${Buffer.from(secret).toString('base64')} end`;
    for (let at = 0; at < reply.length; at += 3) recorder.stream({ type: 'text', delta: reply.slice(at, at + 3) });
    recorder.record([
      {
        type: 'model.finished',
        payload: {
          callId: 'c1',
          text: reply,
          toolCalls: [],
          finishReason: 'stop',
          usage: { inputTokens: 1, outputTokens: 1, cost: 0 },
        },
      },
    ]);
    const text = heard.flatMap((progress) => (progress.type === 'text' ? [progress.delta] : [])).join('');
    expect(text).toBe('the key [redacted] and [redacted] end');
    // The held-back tail came before the event that ended the reply.
    expect(heard.at(-1)?.type).toBe('event');
  });

  it("streams each call's output on its own, its tail shown when the call finishes", () => {
    const { recorder, heard } = watched();
    recorder.stream({ type: 'tool-output', callId: 'a', chunk: `one ${secret.slice(0, 9)}` });
    recorder.stream({ type: 'tool-output', callId: 'b', chunk: 'two\n' });
    recorder.stream({ type: 'tool-output', callId: 'a', chunk: `${secret.slice(9)}\n` });
    recorder.record([{ type: 'tool.finished', payload: { callId: 'a', output: 'done', isError: false } }]);
    const chunks = heard.flatMap((progress) =>
      progress.type === 'tool-output' ? [`${progress.callId}:${progress.chunk}`] : [],
    );
    expect(chunks).toEqual(['a:one ', 'b:two\n', 'a:[redacted]\n']);
  });
});
