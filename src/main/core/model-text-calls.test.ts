import { describe, expect, it } from 'vitest';
import { recoverTextCalls } from './model-text-calls';

const offered = new Set(['read', 'write']);
const recover = (text: string) => recoverTextCalls(text, offered, (index) => `t${index + 1}`);

describe('recoverTextCalls', () => {
  it('takes several Hermes calls in order, the last without its closing tag', () => {
    const text =
      'First the data.\n<tool_call>{"name": "read", "arguments": {"path": "a.csv"}}</tool_call>\n' +
      '<tool_call>{"name": "write", "arguments": "{\\"path\\": \\"b.md\\", \\"content\\": \\"x\\"}"}';
    expect(recover(text)).toEqual({
      text: 'First the data.',
      calls: [
        { id: 't1', name: 'read', arguments: '{"path":"a.csv"}', recoveredFrom: 'hermes' },
        { id: 't2', name: 'write', arguments: '{"path":"b.md","content":"x"}', recoveredFrom: 'hermes' },
      ],
    });
  });

  it('leaves an unclosed call followed by more words, and a block with one unknown call, as words', () => {
    const unclosed = '<tool_call>{"name": "read", "arguments": {"path": "a"}} and then I will stop';
    expect(recover(unclosed)).toEqual({ text: unclosed, calls: [] });
    const mixed = '```json\n[{"name": "read", "arguments": {}}, {"name": "rm", "arguments": {}}]\n```';
    expect(recover(mixed)).toEqual({ text: mixed, calls: [] });
  });

  it('reads a reply that is one Llama-style object, and nothing when no tool is offered', () => {
    const text = ' {"name": "read", "parameters": {"path": "a.csv"}} ';
    expect(recover(text).calls).toEqual([
      { id: 't1', name: 'read', arguments: '{"path":"a.csv"}', recoveredFrom: 'llama' },
    ]);
    expect(recoverTextCalls(text, new Set(), () => 'x')).toEqual({ text, calls: [] });
  });
});
