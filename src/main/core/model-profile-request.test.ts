import { describe, expect, it } from 'vitest';
import { compactSpec, profiledRequest } from './model-profile-request';
import type { ChatMessage, ToolSpec } from './model';

const spec: ToolSpec = {
  name: 'job_start',
  description: 'Start a job, e.g. a training script, in its own container. It runs in the background.\nMore detail.',
  parameters: {
    type: 'object',
    description: 'The job.',
    properties: {
      command: { type: 'string', description: 'A bash command.' },
      // A parameter that happens to be called `description` is kept.
      description: { type: 'string', description: 'What the job is for.' },
      watches: { type: 'array', items: { anyOf: [{ type: 'object', description: 'A watch.' }] } },
    },
    required: ['command'],
  },
};

describe('compact tool descriptions', () => {
  it('keep the first sentence and drop every parameter description, keeping the schema', () => {
    expect(compactSpec(spec)).toEqual({
      name: 'job_start',
      description: 'Start a job, e.g. a training script, in its own container.',
      parameters: {
        type: 'object',
        properties: {
          command: { type: 'string' },
          description: { type: 'string' },
          watches: { type: 'array', items: { anyOf: [{ type: 'object' }] } },
        },
        required: ['command'],
      },
    });
  });
});

describe('tools as text', () => {
  it('adds the tools to a conversation that has no system prompt, and leaves one without tools alone', () => {
    const messages: ChatMessage[] = [{ role: 'user', content: 'Go.' }];
    const shaped = profiledRequest({ tools: 'text' }, { messages, tools: [spec] });
    expect(shaped.tools).toEqual([]);
    expect(shaped.messages[0]!.role).toBe('system');
    expect(shaped.messages[0]!.content).toContain('- job_start: Start a job');
    expect(profiledRequest({ tools: 'text' }, { messages, tools: [] }).messages).toEqual(messages);
  });

  it('writes the results of one turn into one message, marking a failed one', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'Go.' },
      {
        role: 'assistant',
        content: '',
        toolCalls: [
          { id: 'a', name: 'job_start', arguments: '{"command":"ls"}' },
          { id: 'b', name: 'job_start', arguments: '' },
        ],
      },
      { role: 'tool', toolCallId: 'a', toolName: 'job_start', content: 'job_1' },
      { role: 'tool', toolCallId: 'b', toolName: 'job_start', content: 'command is required', isError: true },
    ];
    const shaped = profiledRequest({ tools: 'text' }, { messages, tools: [spec] });
    expect(shaped.messages.slice(2)).toEqual([
      {
        role: 'assistant',
        content:
          '<tool_call>\n{"name": "job_start", "arguments": {"command":"ls"}}\n</tool_call>\n<tool_call>\n{"name": "job_start", "arguments": {}}\n</tool_call>',
      },
      {
        role: 'user',
        content:
          '<tool_response name="job_start">\njob_1\n</tool_response>\n<tool_response name="job_start" error="true">\ncommand is required\n</tool_response>',
      },
    ]);
  });
});
