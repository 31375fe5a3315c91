// One node of the loop graph. A step shows its number, tokens and time, the model's words and the
// calls it made (a few, then "+N more"); a gate its score against the target; a job its state and a
// sparkline of its main metric; the goal and the runs around this one what they are. Each node also
// holds a compact form, which the graph shows instead when it is zoomed out too far to read.
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo, useContext, type MouseEvent } from 'react';
import { formatMetric } from '../../../../shared/format';
import { targetText, type LoopNode } from '../../../../shared/loop-graph';
import type { LoopFlowNode, LoopNodeData } from '../../graph/flow-elements';
import { shownCalls } from '../../graph/loop-layout';
import { compactText, lineageRunId, mainMetric, stepMeta, stepStatusWord } from '../../graph/loop-text';
import { nodeMeta, statusWord } from '../../graph/node-text';
import { GraphActionsContext } from './graph-actions';
import { NetworkLine } from './network-line';
import { Sparkline } from './sparkline';

const kindWords: Record<LoopNode['kind'], string> = {
  goal: 'goal',
  parent: 'parent run',
  child: 'child run',
  message: 'message',
  step: 'step',
  gate: 'evaluation',
  compaction: 'compaction',
  job: 'job',
};

/** The CSS kind, in the colours the rest of the app gives these steps. */
const cssKinds: Record<LoopNode['kind'], string> = {
  goal: 'start',
  parent: 'parent',
  child: 'parent',
  message: 'message',
  step: 'model',
  gate: 'evaluation',
  compaction: 'compaction',
  job: 'job',
};

export const LoopNodeCard = memo(function LoopNodeCard({ data, selected }: NodeProps<LoopFlowNode>) {
  const { item } = data;
  const verdict = item.node?.evaluation?.passed;
  const classes = [
    'graph-node',
    'loop-node',
    `kind-${cssKinds[item.kind]}`,
    `node-${item.status}`,
    selected && data.selectedCall === null ? 'selected' : '',
    selected && data.selectedCall !== null ? 'holds-selected' : '',
    item.node?.inherited === true ? 'inherited' : '',
    verdict === true ? 'passed' : verdict === false ? 'failed' : '',
  ];
  return (
    <div
      className={classes.filter(Boolean).join(' ')}
      data-testid="graph-node"
      data-node-id={item.id}
      data-kind={item.kind}
      data-status={item.status}
      data-inherited={item.node?.inherited === true ? 'true' : undefined}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} className="graph-handle" />
      <div className="loop-node-full">
        <CardBody data={data} />
      </div>
      <div className="loop-node-compact" aria-hidden="true">
        {compactText(item)}
      </div>
      <Handle type="source" position={Position.Right} isConnectable={false} className="graph-handle" />
    </div>
  );
});

function Head({ item, meta }: { item: LoopNode; meta: string }) {
  const settled = item.kind === 'goal' || item.kind === 'parent' || item.kind === 'message';
  const title = item.kind === 'step' ? `step ${item.index}` : kindWords[item.kind];
  return (
    <div className="graph-node-head">
      <span className="graph-node-kind">{title}</span>
      {meta !== '' && <span className="graph-node-meta">{meta}</span>}
      {!settled && item.node !== null && (
        <span className="graph-node-status">
          <span className="graph-node-dot" aria-hidden="true" />
          {item.kind === 'step' ? stepStatusWord(item) : statusWord(item.node)}
        </span>
      )}
      {item.child !== undefined && <span className="graph-node-status">{item.child.status}</span>}
    </div>
  );
}

function CardBody({ data }: { data: LoopNodeData }) {
  const { item, caption } = data;
  switch (item.kind) {
    case 'step':
      return <StepBody data={data} />;
    case 'gate':
      return <GateBody item={item} />;
    case 'job':
      return <JobBody item={item} caption={caption} />;
    case 'parent':
    case 'child':
      return <LineageBody item={item} caption={caption} />;
    default:
      return (
        <>
          <Head item={item} meta="" />
          <div
            className={item.kind === 'goal' ? 'graph-node-label loop-goal-text' : 'graph-node-label'}
            title={caption}
          >
            {caption}
          </div>
          {item.node?.baseline !== undefined && (
            <div className="loop-gate-baseline muted" data-testid="goal-baseline">
              to beat: {item.node.baseline.label} · {item.node.baseline.metric} {formatMetric(item.node.baseline.value)}
            </div>
          )}
        </>
      );
  }
}

function StepBody({ data }: { data: LoopNodeData }) {
  const { item, caption, calls, expanded, selectedCall } = data;
  const actions = useContext(GraphActionsContext);
  const shown = item.calls.slice(0, shownCalls(item, expanded));
  const hidden = item.calls.length - shown.length;
  const waiting = item.calls.find((call) => call.status === 'waiting');
  const pick = (id: string) => (event: MouseEvent) => {
    event.stopPropagation();
    actions.select(id);
  };
  const toggle = (event: MouseEvent) => {
    event.stopPropagation();
    actions.toggleCalls(item.id);
  };
  return (
    <>
      <Head item={item} meta={stepMeta(item)} />
      <div className={caption === '' ? 'graph-node-label muted' : 'graph-node-label'} title={caption}>
        {caption === '' ? 'calls only' : caption}
      </div>
      {waiting !== undefined && (
        <button type="button" className="loop-waiting" onClick={pick(waiting.id)}>
          Waiting for your approval · {waiting.name}
        </button>
      )}
      {item.calls.length > 0 && (
        <ul className="loop-calls" aria-label={`Calls of step ${item.index}`}>
          {shown.map((call) => (
            <li
              key={call.id}
              className={`loop-call node-${call.status}${call.id === selectedCall || call.tool?.id === selectedCall ? ' selected' : ''}`}
              data-testid="graph-call"
              data-node-id={call.id}
              data-status={call.status}
              onClick={pick(call.id)}
              title={calls[call.id]}
            >
              <span className="graph-node-dot" aria-hidden="true" />
              <span className="loop-call-text">{calls[call.id] ?? call.name}</span>
              {call.status !== 'done' && call.status !== 'running' && (
                <span className="loop-call-status">
                  {statusWord(call.approval?.status === call.status ? call.approval : (call.tool ?? call.approval!))}
                </span>
              )}
            </li>
          ))}
          {(hidden > 0 || expanded) && item.calls.length > 3 && (
            <li className="loop-call-more">
              <button type="button" className="loop-link" onClick={toggle} aria-expanded={expanded}>
                {expanded ? 'show fewer' : `+${hidden} more`}
              </button>
            </li>
          )}
        </ul>
      )}
      <NetworkLine item={item} />
    </>
  );
}

function GateBody({ item }: { item: LoopNode }) {
  const evaluation = item.node?.evaluation;
  const attempt = evaluation?.attempt ?? item.attempt;
  return (
    <>
      <Head item={item} meta={attempt === null || attempt === undefined ? '' : `attempt ${attempt}`} />
      {evaluation !== undefined && (
        <div className="loop-gate-score">
          <span className="loop-gate-value">
            {evaluation.metric} {evaluation.value === null ? 'no value' : evaluation.value}
          </span>
          <span className="loop-gate-mark">
            {evaluation.passed === true ? '✓' : evaluation.passed === false ? '✗' : ''}
          </span>
          <span className="loop-gate-target">{targetText(evaluation)}</span>
        </div>
      )}
      {evaluation?.baseline !== undefined && (
        <div className="loop-gate-baseline muted" data-testid="gate-baseline">
          vs {evaluation.baseline.label} {formatMetric(evaluation.baseline.value)}
        </div>
      )}
    </>
  );
}

function JobBody({ item, caption }: { item: LoopNode; caption: string }) {
  const metric = mainMetric(item.node);
  return (
    <>
      <Head item={item} meta={item.node === null ? '' : nodeMeta({ ...item.node, metrics: null })} />
      <div className="graph-node-label loop-mono" title={caption}>
        {caption}
      </div>
      {metric !== undefined && (
        <div className="loop-job-metric">
          <Sparkline values={metric.values} />
          <span>
            {metric.name} <strong>{metric.last}</strong>
          </span>
        </div>
      )}
      <NetworkLine item={item} />
      {item.node?.parkedLoop === 'parked' && (
        <div
          className="loop-parked"
          data-testid="loop-parked"
          title="The agent makes no model call until this job ends"
        >
          loop parked: the GPU is this job’s
        </div>
      )}
    </>
  );
}

function LineageBody({ item, caption }: { item: LoopNode; caption: string }) {
  const { openRun } = useContext(GraphActionsContext);
  const runId = lineageRunId(item);
  return (
    <>
      <Head item={item} meta="" />
      <div className="graph-node-label loop-lineage">
        <span title={caption}>{caption}</span>
        {openRun !== undefined && runId !== undefined && (
          <button
            type="button"
            className="loop-link"
            onClick={(event) => {
              event.stopPropagation();
              openRun(runId);
            }}
          >
            Open ↗
          </button>
        )}
      </div>
    </>
  );
}
