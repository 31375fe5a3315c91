// One attempt of a run with an evaluation gate: a box around its steps, headed by its number and the
// score its gate gave (✓ when it reached the target, ✗ when not).
import type { NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { AttemptFlowNode } from '../../graph/flow-elements';

export const AttemptBox = memo(function AttemptBox({ data }: NodeProps<AttemptFlowNode>) {
  const { group, label, live } = data;
  const verdict = group.evaluation?.passed;
  const tone = verdict === true ? 'passed' : verdict === false || group.evaluation?.value === null ? 'failed' : 'open';
  return (
    <div className={`loop-attempt attempt-${tone}`} data-testid="graph-attempt" data-attempt={group.attempt}>
      <div className="loop-attempt-label">
        {label}
        {live && <span className="loop-attempt-live"> · under way</span>}
      </div>
    </div>
  );
});
