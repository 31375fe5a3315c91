// One node of the run graph: its kind, its status as a coloured mark, a short fact and its label.
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { RunFlowNode } from '../../graph/flow-elements';
import { kindNames, nodeMeta, statusWord } from '../../graph/node-text';

export const GraphNodeCard = memo(function GraphNodeCard({ data, selected }: NodeProps<RunFlowNode>) {
  const { node, caption } = data;
  const meta = nodeMeta(node);
  const settled = node.kind === 'start' || node.kind === 'parent';
  return (
    <div
      className={`graph-node kind-${node.kind} node-${node.status}${selected ? ' selected' : ''}${node.inherited === true ? ' inherited' : ''}`}
      data-inherited={node.inherited === true ? 'true' : undefined}
      data-testid="graph-node"
      data-node-id={node.id}
      data-kind={node.kind}
      data-status={node.status}
      title={caption === node.label ? caption : `${caption}\n${node.label}`}
    >
      <Handle type="target" position={Position.Top} isConnectable={false} className="graph-handle" />
      <div className="graph-node-head">
        <span className="graph-node-kind">{kindNames[node.kind]}</span>
        {meta !== '' && <span className="graph-node-meta">{meta}</span>}
        {!settled && (
          <span className="graph-node-status">
            <span className="graph-node-dot" aria-hidden="true" />
            {statusWord(node)}
          </span>
        )}
      </div>
      <div className="graph-node-label">{caption}</div>
      <Handle type="source" position={Position.Bottom} isConnectable={false} className="graph-handle" />
    </div>
  );
});
