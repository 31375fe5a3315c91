// A model profile applied to a run, through the real `ollama` client against the fake Ollama server:
// thinking off and the temperature reach the server; tools as text send no native tools, describe them
// in the system prompt, and the call the model writes is recovered and run; compact descriptions are
// what the server gets. The profile is recorded with each model call.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toolSpecs } from '../src/main/core/tool-router';
import { builtinTools } from '../src/main/tools';
import type { RunEvent } from '../src/shared/events';
import type { Turn } from './fakes/script';
import { useProviderRun } from './helpers/provider-run';

const setup = useProviderRun();
const writeCall: Turn = { toolCalls: [{ name: 'write', arguments: { path: 'notes.md', content: '# Notes\n' } }] };
const done: Turn = { text: ['Notes written.'] };

interface ChatBody {
  think?: boolean;
  options?: { temperature?: number; num_ctx?: number };
  tools?: { function: { name: string; description: string; parameters: Record<string, unknown> } }[];
  messages: { role: string; content: string; tool_calls?: unknown[] }[];
}

function started(events: RunEvent[]) {
  return events.flatMap((event) => (event.type === 'model.started' ? [event.payload] : []));
}

describe('a model profile in a run through the ollama client', () => {
  it('sends think:false and the temperature to the server, and records the profile', async () => {
    const profile = { temperature: 0.3, think: false };
    const { outcome, events, chats } = await setup.run('ollama', [writeCall, done], profile);
    expect(outcome.status).toBe('finished');
    for (const chat of chats as unknown as ChatBody[]) {
      expect(chat.think).toBe(false);
      expect(chat.options?.temperature).toBe(0.3);
    }
    expect(started(events).map((payload) => payload.profile)).toEqual([profile, profile]);
  });

  it('sends neither think nor a temperature without a profile', async () => {
    const { events, chats } = await setup.run('ollama', [done]);
    const [chat] = chats as unknown as ChatBody[];
    expect(chat!.think).toBeUndefined();
    expect(chat!.options?.temperature).toBeUndefined();
    expect(started(events)[0]!.profile).toBeUndefined();
  });

  it('with tools as text, sends no tools, describes them in the prompt, and runs the call the model writes', async () => {
    const written =
      'I will write the notes.\n<tool_call>\n{"name": "write", "arguments": {"path": "notes.md", "content": "# Notes\\n"}}\n</tool_call>';
    const { outcome, events, chats, workspace } = await setup.run('ollama', [{ text: [written] }, done], {
      tools: 'text',
    });
    expect(outcome.status).toBe('finished');
    expect(readFileSync(join(workspace, 'notes.md'), 'utf8')).toBe('# Notes\n');
    const [first, second] = chats as unknown as ChatBody[];
    expect(first!.tools ?? []).toEqual([]);
    const system = first!.messages[0]!;
    expect(system.role).toBe('system');
    expect(system.content).toContain('<tool_call>\n{"name": "<tool name>", "arguments": {<arguments>}}\n</tool_call>');
    for (const tool of builtinTools) expect(system.content).toContain(`- ${tool.name}: ${tool.description}`);
    const finished = events.find((event) => event.type === 'model.finished');
    expect(finished?.type === 'model.finished' && finished.payload.toolCalls[0]?.recoveredFrom).toBe('hermes');
    // The call and its result go back as text the model's template can hold: no tool roles, no tool_calls.
    const sent = second!.messages;
    expect(sent.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(sent[2]!.tool_calls ?? []).toEqual([]);
    expect(sent[2]!.content).toBe(
      'I will write the notes.\n<tool_call>\n{"name": "write", "arguments": {"path":"notes.md","content":"# Notes\\n"}}\n</tool_call>',
    );
    expect(sent[3]!.content).toMatch(/^<tool_response name="write">\nWrote notes\.md .*\n<\/tool_response>$/);
  });

  it('with compact descriptions, sends each tool its first sentence and no parameter descriptions', async () => {
    const { chats } = await setup.run('ollama', [done], { compactTools: true });
    const tools = (chats as unknown as ChatBody[])[0]!.tools!;
    const write = tools.find((tool) => tool.function.name === 'write')!.function;
    expect(write.description).toBe('Write a file in the workspace (replacing it if it exists).');
    expect(write.parameters).toMatchObject({
      type: 'object',
      properties: { path: { type: 'string' }, content: { type: 'string' } },
      required: ['path', 'content'],
    });
    expect(JSON.stringify(tools.map((tool) => tool.function.parameters))).not.toContain('"description"');
    // What the tools take of the window: well under two thirds of their whole descriptions.
    const whole = JSON.stringify(
      toolSpecs(builtinTools).map(({ description, parameters }) => [description, parameters]),
    );
    const compact = JSON.stringify(tools.map(({ function: { description, parameters } }) => [description, parameters]));
    expect(compact.length).toBeLessThan((whole.length * 2) / 3);
  });
});
