import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../shared/events';
import {
  blobHashes,
  editorFields,
  formatInputJson,
  originalInput,
  parseInputJson,
  replaceBlobRefs,
} from './approval-input';

const hash = 'a'.repeat(64);
const blob = { $blob: hash, size: 9000, preview: 'print(' };

const events: RunEvent[] = [
  {
    runId: 'run_a',
    seq: 3,
    time: 3,
    type: 'model.finished',
    payload: {
      callId: 'm1',
      text: '',
      finishReason: 'tool_calls',
      usage: { inputTokens: 0, outputTokens: 0, cost: 0 },
      toolCalls: [
        { id: 't1', name: 'write', args: { path: 'train.py', content: blob } },
        { id: 't2', name: 'bash', args: { command: 'ls' } },
      ],
    },
  },
];

describe('approval input', () => {
  it('finds what the model asked for by call id, blobs and all', () => {
    expect(originalInput(events, 't2')).toEqual({ command: 'ls' });
    expect(originalInput(events, 'nope')).toBeUndefined();
    const input = originalInput(events, 't1');
    expect(blobHashes(input)).toEqual([hash]);
    expect(replaceBlobRefs(input, new Map([[hash, 'print(1)\n']]))).toEqual({
      path: 'train.py',
      content: 'print(1)\n',
    });
  });

  it('gives back, as the model sent it, data shaped like a blob reference (stored with an escaped key)', () => {
    const stored = { data: { $$blob: '../../etc/passwd', size: 5 } };
    expect(blobHashes(stored)).toEqual([]);
    expect(replaceBlobRefs(stored, new Map())).toEqual({ data: { $blob: '../../etc/passwd', size: 5 } });
  });

  it('offers fields for the common tools when the input fits them, else the JSON', () => {
    expect(editorFields('write', { path: 'a', content: 'b' }).map((field) => field.key)).toEqual(['path', 'content']);
    expect(editorFields('bash', { command: 'ls', timeout: 5 }).map((field) => field.key)).toEqual(['command']);
    expect(editorFields('write', { path: 'a' })).toEqual([]);
    expect(editorFields('job_start', { command: 'x' })).toEqual([]);
  });

  it('accepts only a JSON object as edited input, saying what is wrong', () => {
    expect(parseInputJson(formatInputJson({ path: 'b.py' }))).toEqual({ ok: true, value: { path: 'b.py' } });
    expect(parseInputJson('[1]')).toEqual({ ok: false, error: 'The input must be a JSON object, like {"path": "…"}.' });
    const broken = parseInputJson('{"path": ');
    expect(broken.ok).toBe(false);
    expect(!broken.ok && broken.error.startsWith('Not valid JSON: ')).toBe(true);
  });
});
