// Thinking models through the real `ollama` and `openai` clients against fake servers: reasoning sent
// apart (Ollama's `message.thinking`, `reasoning_content` deltas) or inside the words (`<think>…</think>`)
// stays out of the answer and out of the next request, and is recorded on the reply with its tokens.
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../src/shared/events';
import type { Turn } from './fakes/script';
import { useProviderRun, type ClientKind } from './helpers/provider-run';

const setup = useProviderRun();
const write = { name: 'write', arguments: { path: 'notes.md', content: '# Notes\n' } };
const done: Turn = { text: ['Notes written.'] };

function replies(events: RunEvent[]) {
  return events.flatMap((event) => (event.type === 'model.finished' ? [event.payload] : []));
}

const apart: Record<ClientKind, string> = { ollama: 'message.thinking', openai: 'reasoning_content' };

describe.each(['ollama', 'openai'] as const)('a thinking model through the %s client', (client) => {
  it(`keeps reasoning sent in ${apart[client]} apart from the answer and the next request`, async () => {
    const turn: Turn = {
      thinking: ['The goal wants ', 'a notes file; ', 'I should write it.'],
      text: ['Writing the notes.'],
      toolCalls: [write],
      usage: { input: 100, output: 60, reasoning: 41 },
    };
    const { outcome, events, chats } = await setup.run(client, [turn, done]);
    expect(outcome).toEqual({ status: 'finished', reason: null });
    const [first, last] = replies(events);
    expect(first!.text).toBe('Writing the notes.');
    expect(first!.thinking).toBe('The goal wants a notes file; I should write it.');
    expect(first!.usage.outputTokens).toBe(60);
    // The OpenAI API says how many output tokens were reasoning; Ollama counts them in eval_count only.
    expect(first!.usage.reasoningTokens).toBe(client === 'openai' ? 41 : undefined);
    expect(last!.thinking).toBeUndefined();
    const sentBack = JSON.stringify(chats[1]!.messages);
    expect(sentBack).toContain('Writing the notes.');
    expect(sentBack).not.toContain('I should write it');
  });

  it('parts out <think>…</think> inside the words, however the stream cuts the tags', async () => {
    const turn: Turn = {
      text: ['<thi', 'nk>\nPlan: write', ' notes.md first.</th', 'ink>\n\nWriting', ' the notes.'],
      toolCalls: [write],
    };
    const { events, chats } = await setup.run(client, [turn, { text: ['<think></think>\n\nNotes written.'] }]);
    const [first, last] = replies(events);
    expect(first!.text).toBe('Writing the notes.');
    expect(first!.thinking).toBe('Plan: write notes.md first.');
    expect(last!.text).toBe('Notes written.');
    expect(last!.thinking).toBeUndefined();
    const sentBack = JSON.stringify(chats[1]!.messages);
    expect(sentBack).toContain('Writing the notes.');
    expect(sentBack).not.toContain('Plan: write');
    expect(sentBack).not.toContain('think>');
  });

  it('parts out reasoning whose opening tag the chat template wrote', async () => {
    const { events } = await setup.run(client, [{ text: ['Nothing to do here.\n</think>\n\nThe goal is met.'] }]);
    const [only] = replies(events);
    expect(only!.text).toBe('The goal is met.');
    expect(only!.thinking).toBe('Nothing to do here.');
  });

  it('leaves words that only mention a tag as they are', async () => {
    const text = 'Models such as deepseek-r1 wrap reasoning in <think> tags.';
    const { events } = await setup.run(client, [{ text: [text] }]);
    expect(replies(events)[0]!.text).toBe(text);
    expect(replies(events)[0]!.thinking).toBeUndefined();
  });
});
