import { describe, expect, it } from 'vitest';
import type { GraphNode } from '../../../shared/run-graph';
import { nodeMeta, statusWord } from './node-text';

function node(patch: Partial<GraphNode>): GraphNode {
  return {
    id: 'x',
    kind: 'tool',
    label: 'x',
    status: 'done',
    seqs: [],
    startedAt: 1000,
    endedAt: null,
    usage: null,
    metrics: null,
    ...patch,
  };
}

describe('node text', () => {
  it('shows tokens for model calls, the last metric for jobs and the time taken for tools', () => {
    expect(nodeMeta(node({ kind: 'model', usage: { inputTokens: 1200, outputTokens: 80, cost: 0 } }))).toBe('1.3k tok');
    expect(nodeMeta(node({ kind: 'job', metrics: { loss: [0.9, 0.4123456] }, endedAt: 9000 }))).toBe('loss 0.4123');
    expect(nodeMeta(node({ kind: 'tool', endedAt: 1850 }))).toBe('850 ms');
    expect(nodeMeta(node({ kind: 'tool' }))).toBe('');
  });

  it('words a status for the kind of step', () => {
    expect(statusWord(node({ kind: 'model', status: 'running' }))).toBe('thinking');
    expect(statusWord(node({ kind: 'approval', status: 'done' }))).toBe('approved');
    expect(statusWord(node({ kind: 'approval', status: 'rejected' }))).toBe('rejected');
    expect(statusWord(node({ kind: 'tool', status: 'error' }))).toBe('failed');
  });
});
