// Which event "Fork from here" starts from, and which decision it changes at an approval.
import { describe, expect, it } from 'vitest';
import type { GraphNode } from '../../../../shared/run-graph';
import { forkTarget } from './fork-form';

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
