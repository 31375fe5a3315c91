// Tool calls small models write as text, through the real `ollama` and `openai` clients against fake
// servers that stream the text as those servers do: each format runs as a call and is marked as
// recovered; code, data and tools Looplab did not offer stay words and never run.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../src/shared/events';
import type { Turn } from './fakes/script';
import { useProviderRun, type ClientKind } from './helpers/provider-run';

const setup = useProviderRun();
const clients: ClientKind[] = ['ollama', 'openai'];
const args = '{"path": "notes.md", "content": "# Notes\\n"}';
const done: Turn = { text: ['Notes written.'] };

/** Text cut into pieces at arbitrary places, as a stream delivers it. */
function pieces(text: string): string[] {
  const out: string[] = [];
  for (let start = 0; start < text.length; start += 5) out.push(text.slice(start, start + 5));
  return out;
}

function replies(events: RunEvent[]) {
  return events.flatMap((event) => (event.type === 'model.finished' ? [event.payload] : []));
}

const formats = [
  {
    format: 'hermes',
    text: `I will write the notes.\n<tool_call>\n{"name": "write", "arguments": ${args}}\n</tool_call>`,
    words: 'I will write the notes.',
  },
  {
    format: 'json-block',
    text: `Writing the file now:\n\n\`\`\`json\n{"name": "write", "arguments": ${args}}\n\`\`\``,
    words: 'Writing the file now:',
  },
  { format: 'mistral', text: `[TOOL_CALLS] [{"name": "write", "arguments": ${args}}]`, words: '' },
  { format: 'llama', text: `<|python_tag|>{"name": "write", "parameters": ${args}}<|eom_id|>`, words: '' },
] as const;

describe.each(clients)('tool calls written as text, through the %s client', (client) => {
  it.each(formats)('runs a $format call and marks it recovered', async ({ format, text, words }) => {
    const { outcome, events, chats, workspace } = await setup.run(client, [{ text: pieces(text) }, done]);
    expect(outcome).toEqual({ status: 'finished', reason: null });
    expect(readFileSync(join(workspace, 'notes.md'), 'utf8')).toBe('# Notes\n');
    const [first] = replies(events);
    expect(first!.text).toBe(words);
    expect(first!.finishReason).toBe('tool_calls');
    expect(first!.toolCalls).toEqual([
      {
        id: expect.any(String),
        name: 'write',
        args: { path: 'notes.md', content: '# Notes\n' },
        recoveredFrom: format,
      },
    ]);
    // The model is sent its call back as a call, not the text it wrote.
    const sentBack = JSON.stringify(chats[1]!.messages);
    expect(sentBack).not.toContain('tool_call>');
    expect(sentBack).not.toContain('TOOL_CALLS');
    expect(sentBack).not.toContain('python_tag');
    expect(sentBack).toContain('Wrote notes.md');
  });

  const negatives = [
    {
      what: 'code in prose',
      text: "To save it, run this:\n```python\nopen('notes.md', 'w').write('# Notes')\n```\nThat is all.",
    },
    {
      what: 'a call of a tool Looplab did not offer',
      text: '<tool_call>\n{"name": "shell_exec", "arguments": {"command": "touch notes.md"}}\n</tool_call>',
    },
    {
      what: 'a JSON block that is data',
      text: 'The results:\n```json\n{"name": "notes.md", "accuracy": 0.93, "rows": [1, 2]}\n```',
    },
    {
      what: 'a call whose arguments are not an object',
      text: '[TOOL_CALLS] [{"name": "write", "arguments": "notes.md"}]',
    },
  ];

  it.each(negatives)('does not run $what', async ({ text }) => {
    const { outcome, events, workspace } = await setup.run(client, [{ text: pieces(text) }]);
    expect(outcome).toEqual({ status: 'finished', reason: null });
    expect(existsSync(join(workspace, 'notes.md'))).toBe(false);
    expect(events.some((event) => event.type === 'tool.started')).toBe(false);
    const [only] = replies(events);
    expect(only!.text).toBe(text);
    expect(only!.toolCalls).toEqual([]);
  });

  it('runs only the real calls when the reply has them, whatever its words say', async () => {
    const turn: Turn = {
      text: pieces(`<tool_call>{"name": "write", "arguments": {"path": "other.md", "content": "x"}}</tool_call>`),
      toolCalls: [{ name: 'write', arguments: { path: 'notes.md', content: '# Notes\n' } }],
    };
    const { events, workspace } = await setup.run(client, [turn, done]);
    expect(existsSync(join(workspace, 'notes.md'))).toBe(true);
    expect(existsSync(join(workspace, 'other.md'))).toBe(false);
    expect(replies(events)[0]!.toolCalls.map((call) => call.recoveredFrom)).toEqual([undefined]);
  });
});
