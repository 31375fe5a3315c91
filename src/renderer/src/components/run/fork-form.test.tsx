// Which event "Fork from here" starts from, which decision it changes at an approval, and which model
// it goes on with.
import { describe, expect, it } from 'vitest';
import type { GraphNode } from '../../../../shared/run-graph';
import { settingsSchema } from '../../../../shared/settings';
import { forkModel, forkTarget } from './fork-form';
import { forkModelChoices } from './fork-model-field';

function node(kind: GraphNode['kind'], status: GraphNode['status'], seqs: number[]): GraphNode {
  return { id: `${kind}:x`, kind, label: kind, status, seqs, startedAt: 0, endedAt: null, usage: null, metrics: null };
}

describe('forkTarget', () => {
  it('forks a step from its last event, and an approval from its request with the other answer', () => {
    expect([
      forkTarget(node('tool', 'done', [5, 6, 7])),
      forkTarget(node('model', 'done', [3, 4])),
      forkTarget(node('approval', 'done', [9, 11])),
      forkTarget(node('approval', 'rejected', [9, 11])),
      forkTarget(node('approval', 'waiting', [9])),
      forkTarget(node('parent', 'done', [0])),
    ]).toEqual([
      { seq: 7 },
      { seq: 4 },
      { seq: 9, decision: 'rejected' },
      { seq: 9, decision: 'approved' },
      { seq: 9, decision: 'approved' },
      undefined,
    ]);
  });
});

describe('the fork’s model', () => {
  const view = {
    file: '/home/me/.looplab/settings.json',
    settings: settingsSchema.parse({
      defaultModel: 'ollama/llama3.1:8b',
      providers: { endpoints: [{ name: 'vllm', baseUrl: 'http://127.0.0.1:8000/v1' }] },
    }),
    secrets: { anthropic: { set: true as const, hint: '…abcd' } },
    overrides: {},
  };
  const list = {
    ollama: {
      host: 'http://127.0.0.1:11434',
      models: [
        {
          id: 'ollama/qwen2.5-coder:7b',
          sizeBytes: 1,
          parameterSize: '7B',
          contextLength: 32768,
          supportsTools: true,
          loaded: false,
        },
      ],
    },
  };

  it('defaults to the Settings model, offers installed models and configured providers, never a scripted one', () => {
    expect(forkModelChoices(view, list, 'scripted/example-agent')).toEqual({
      initial: 'ollama/llama3.1:8b',
      offered: ['ollama/llama3.1:8b', 'ollama/qwen2.5-coder:7b'],
      providers: ['ollama/', 'vllm/', 'anthropic/'],
    });
    expect(forkModelChoices(view, undefined, 'openai/gpt-4o-mini').offered).toEqual([
      'ollama/llama3.1:8b',
      'openai/gpt-4o-mini',
    ]);
  });

  it('starts the fork with the Settings model until the person types another', () => {
    expect(forkModel(undefined, 'ollama/llama3.1:8b')).toBe('ollama/llama3.1:8b');
    expect(forkModel(' anthropic/claude-sonnet-4 ', 'ollama/llama3.1:8b')).toBe('anthropic/claude-sonnet-4');
    expect(forkModel('', 'ollama/llama3.1:8b')).toBeUndefined();
  });
});
