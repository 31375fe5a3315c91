// The `runs` table's rows in snake_case, and their mapping to and from RunSummary.
import type { RunSummary } from '../../shared/run-summary';

export interface RunRow {
  id: string;
  goal: string;
  model: string;
  status: RunSummary['status'];
  reason: string | null;
  created_at: number;
  updated_at: number;
  ended_at: number | null;
  steps: number;
  tool_calls: number;
  input_tokens: number;
  output_tokens: number;
  cost: number;
  event_count: number;
  last_seq: number;
  parent_run_id: string | null;
  parent_seq: number | null;
  origin: RunSummary['origin'];
  runtime: RunSummary['runtime'];
  network: RunSummary['network'];
  /** JSON of RunSummary's `spec` and `metric`, or null. */
  spec: string | null;
  metric: string | null;
}

export function summaryToRow(summary: RunSummary): RunRow {
  return {
    id: summary.id,
    goal: summary.goal,
    model: summary.model,
    status: summary.status,
    reason: summary.reason,
    created_at: summary.createdAt,
    updated_at: summary.updatedAt,
    ended_at: summary.endedAt,
    steps: summary.steps,
    tool_calls: summary.toolCalls,
    input_tokens: summary.inputTokens,
    output_tokens: summary.outputTokens,
    cost: summary.cost,
    event_count: summary.eventCount,
    last_seq: summary.lastSeq,
    parent_run_id: summary.parentRunId,
    parent_seq: summary.parentSeq,
    origin: summary.origin,
    runtime: summary.runtime,
    network: summary.network,
    spec: summary.spec === null ? null : JSON.stringify(summary.spec),
    metric: summary.metric === null ? null : JSON.stringify(summary.metric),
  };
}

export function rowToSummary(row: RunRow): RunSummary {
  return {
    id: row.id,
    goal: row.goal,
    model: row.model,
    status: row.status,
    reason: row.reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    endedAt: row.ended_at,
    steps: row.steps,
    toolCalls: row.tool_calls,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    cost: row.cost,
    eventCount: row.event_count,
    lastSeq: row.last_seq,
    parentRunId: row.parent_run_id,
    parentSeq: row.parent_seq,
    origin: row.origin,
    runtime: row.runtime,
    network: row.network,
    spec: row.spec === null ? null : (JSON.parse(row.spec) as RunSummary['spec']),
    metric: row.metric === null ? null : (JSON.parse(row.metric) as RunSummary['metric']),
  };
}

/** The columns of `runs`, in the order of RunRow. */
export const runColumns: readonly (keyof RunRow)[] = [
  'id',
  'goal',
  'model',
  'status',
  'reason',
  'created_at',
  'updated_at',
  'ended_at',
  'steps',
  'tool_calls',
  'input_tokens',
  'output_tokens',
  'cost',
  'event_count',
  'last_seq',
  'parent_run_id',
  'parent_seq',
  'origin',
  'runtime',
  'network',
  'spec',
  'metric',
];
