// File changes as a reviewer sees them: which earlier text a write or edit is compared with, and the
// numbered lines of the diff.
import { describe, expect, it } from 'vitest';
import type { EventDraft, RunEvent } from '../../shared/events';
import { fileChange, filesBefore, readText } from './file-changes';

function toEvents(drafts: EventDraft[]): RunEvent[] {
  return drafts.map((draft, seq) => ({ runId: 'run_f', seq, time: seq, ...draft }) as RunEvent);
}

function ran(callId: string, tool: string, args: unknown, output = 'ok', isError = false): EventDraft[] {
  return [
    { type: 'tool.started', payload: { callId, tool, args } },
    { type: 'tool.finished', payload: { callId, output, isError } },
  ];
}

function proposed(callId: string, tool: string, args: unknown): EventDraft {
  return {
    type: 'model.finished',
    payload: {
      callId: `m_${callId}`,
      text: '',
      toolCalls: [{ id: callId, name: tool, args }],
      finishReason: 'tool_calls',
      usage: { inputTokens: 1, outputTokens: 1, cost: 0 },
    },
  };
}

const script = 'import os\n\ndef main():\n    print("a")\n\nmain()\n';

describe('filesBefore', () => {
  it('follows writes and edits of a path, and forgets texts after a command', () => {
    const edit = { path: './train.py', old_str: 'print("a")', new_str: 'print("b")' };
    const before = filesBefore(
      toEvents([
        ...ran('w1', 'write', { path: 'train.py', content: script }),
        proposed('e1', 'edit', edit),
        ...ran('e1', 'edit', edit),
        proposed('w2', 'write', { path: 'train.py', content: 'x\n' }),
        ...ran('b1', 'bash', { command: 'sed -i s/b/c/ train.py' }),
        proposed('w3', 'write', { path: 'other.py', content: 'y\n' }),
      ]),
    );
    expect(before.get('w1')).toEqual({ existed: false, content: undefined });
    expect(before.get('e1')).toEqual({ existed: true, content: script });
    expect(before.get('w2')).toEqual({ existed: true, content: undefined });
    expect(before.get('w3')).toEqual({ existed: false, content: undefined });
  });

  it('takes a whole-file read as the text, but not a partial one or a failed write', () => {
    const output = '     1  a = 1\n     2  b = 2\n     3  ';
    expect(readText(output)).toBe('a = 1\nb = 2\n');
    expect(readText(`${output}\n[… 40 more lines: read with offset 4]`)).toBeUndefined();
    const before = filesBefore(
      toEvents([
        ...ran('r1', 'read', { path: 'a.py' }, output),
        ...ran('w1', 'write', { path: 'a.py', content: 'broken' }, 'disk full', true),
        proposed('e1', 'edit', { path: 'a.py', old_str: 'b = 2', new_str: 'b = 3' }),
      ]),
    );
    expect(before.get('e1')).toEqual({ existed: true, content: 'a = 1\nb = 2\n' });
  });
});

describe('fileChange', () => {
  it('numbers an edit by the file’s own lines when its text is known', () => {
    const change = fileChange(
      'edit',
      { path: 'train.py', old_str: '    print("a")', new_str: '    print("b")\n    print("c")' },
      { existed: true, content: script },
    );
    expect(change).toEqual({
      kind: 'diff',
      path: 'train.py',
      numbered: true,
      added: 2,
      removed: 1,
      hunks: [
        {
          header: '@@ -1,6 +1,7 @@',
          lines: [
            { kind: 'context', oldLine: 1, newLine: 1, text: 'import os' },
            { kind: 'context', oldLine: 2, newLine: 2, text: '' },
            { kind: 'context', oldLine: 3, newLine: 3, text: 'def main():' },
            { kind: 'removed', oldLine: 4, newLine: undefined, text: '    print("a")' },
            { kind: 'added', oldLine: undefined, newLine: 4, text: '    print("b")' },
            { kind: 'added', oldLine: undefined, newLine: 5, text: '    print("c")' },
            { kind: 'context', oldLine: 5, newLine: 6, text: '' },
            { kind: 'context', oldLine: 6, newLine: 7, text: 'main()' },
          ],
        },
      ],
    });
  });

  it('shows an edit of an unknown file as its own lines, unplaced', () => {
    const change = fileChange('edit', { path: 'x.py', old_str: 'a\nb', new_str: 'a\nc' }, undefined);
    expect(change).toMatchObject({ kind: 'diff', numbered: false, added: 1, removed: 1 });
  });

  it('marks a write new, whole or a diff by what the run knows of the file', () => {
    expect(fileChange('write', { path: 'n.py', content: 'x' }, { existed: false, content: undefined })).toEqual({
      kind: 'new',
      path: 'n.py',
      content: 'x',
    });
    expect(fileChange('write', { path: 'n.py', content: 'x' }, { existed: true, content: undefined })?.kind).toBe(
      'whole',
    );
    expect(fileChange('write', { path: 'n.py', content: 'x\ny\n' }, { existed: true, content: 'x\n' })).toMatchObject({
      kind: 'diff',
      numbered: true,
      added: 1,
      removed: 0,
    });
    expect(fileChange('bash', { command: 'ls' }, undefined)).toBeUndefined();
  });
});
