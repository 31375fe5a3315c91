// When the loop guard finds the agent repeating itself, the person decides through the approval gate:
// go on (with a note the agent reads) or stop the run as stalled. The question is an approval of kind
// `stall`, so every gate can show it, a restart asks it again and a replay answers it as recorded.
import { previewText } from '../../shared/events';
import type { PendingApproval } from '../../shared/pending-approvals';
import type { LoopContext, LoopOutcome } from './loop-types';

export const STALL_RULE = 'the loop guard';
const ASK = ' Go on (with a note for the agent), or stop the run?';

export interface StallQuestion {
  callId: string;
  /** The tool the agent repeated (of the last call, in a cycle). */
  tool: string;
  summary: string;
}

/** The question about a stall the guard found after `lastCallId`. */
export function stallQuestion(message: string, lastCallId: string, tool: string): StallQuestion {
  return {
    callId: `stall_${lastCallId.slice(-120)}`,
    tool,
    summary: `${message}${ASK}`,
  };
}

/** A stall question recorded before a restart and not yet answered. */
export function recordedStallQuestion(pending: readonly PendingApproval[]): StallQuestion | undefined {
  const found = pending.find((approval) => approval.kind === 'stall');
  return found && { callId: found.callId, tool: found.tool, summary: previewText(found.summary, Infinity) };
}

/** Asks, records the answer, and returns how the run ends, or undefined when it goes on. */
export async function askToGoOn(
  loop: LoopContext,
  question: StallQuestion,
  signal: AbortSignal,
  options: { recorded: boolean },
): Promise<LoopOutcome | undefined> {
  const { callId, tool, summary } = question;
  loop.record([
    ...(options.recorded
      ? []
      : [
          {
            type: 'approval.requested' as const,
            payload: { callId, tool, summary, rule: STALL_RULE, kind: 'stall' as const },
          },
        ]),
    { type: 'run.status', payload: { status: 'waiting' } },
  ]);
  const request = { kind: 'stall' as const, runId: loop.runId, callId, tool, input: {}, summary, rule: STALL_RULE };
  const decision = await loop.deps.gate.decide(request, signal);
  const feedback = decision.feedback?.trim() ?? '';
  if (decision.decision === 'rejected') {
    loop.record([
      {
        type: 'approval.resolved',
        payload: { callId, decision: 'rejected', feedback: feedback === '' ? 'no reason given' : feedback },
      },
    ]);
    const found = summary.endsWith(ASK) ? summary.slice(0, -ASK.length) : summary;
    const person = decision.by === undefined || decision.by === 'person';
    const why = person ? `The person stopped the run${feedback === '' ? '.' : `: ${feedback}`}` : feedback;
    return { status: 'stalled', reason: `${found} ${why}`.trim() };
  }
  loop.record([
    { type: 'approval.resolved', payload: { callId, decision: 'approved', ...(feedback === '' ? {} : { feedback }) } },
    { type: 'run.status', payload: { status: 'running' } },
  ]);
  loop.harness(
    `You repeated yourself and the person lets you go on${feedback === '' ? '. Change the approach.' : `, with this note: ${feedback}`}`,
  );
  return undefined;
}
