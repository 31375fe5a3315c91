// Headless approvals: `--approve auto` approves, `deny` rejects with a message the model reads, and
// `ask` asks on the terminal (and rejects, saying why, when there is no terminal to ask on). What an MCP
// server asks the person is declined unless asked on a terminal: no policy makes up an answer.
import { createInterface } from 'node:readline/promises';
import type { ElicitationForm } from '../../shared/events';
import type { ApprovalDecision, ApprovalGate, ApprovalRequest } from '../core/ports';
import { askElicitation } from './terminal-elicitation';

export type ApproveMode = 'auto' | 'ask' | 'deny';

export function terminalGate(
  mode: ApproveMode,
  io: { input: NodeJS.ReadableStream & { isTTY?: boolean }; output: NodeJS.WritableStream },
): ApprovalGate {
  // One question at a time on the terminal, however many calls wait together.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    asksPeople: true,
    async decide(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalDecision> {
      // Headless, a run that repeats itself stops as stalled: going on unasked would repeat it again.
      if (request.kind === 'stall' && mode !== 'ask')
        return { decision: 'rejected', by: 'policy', feedback: `Stopped by the headless policy (--approve ${mode}).` };
      if (request.kind === 'elicitation' && mode !== 'ask')
        return { decision: 'rejected', by: 'policy', feedback: `Declined by the headless policy (--approve ${mode}).` };
      // Publishing is never approved unasked: it needs a person at a terminal, or `looplab publish`.
      if (mode === 'auto' && request.risk === 'publish')
        return {
          decision: 'rejected',
          by: 'policy',
          feedback:
            'Publishing is never approved by --approve auto. Rerun with --approve ask on a terminal, or publish afterwards with `looplab publish`.',
        };
      if (mode === 'auto') return { decision: 'approved' };
      if (mode === 'deny')
        return {
          decision: 'rejected',
          by: 'policy',
          feedback: `Rejected by the headless policy (--approve deny; ${request.rule}).`,
        };
      if (io.input.isTTY !== true) {
        if (request.kind === 'stall')
          return {
            decision: 'rejected',
            by: 'no-terminal',
            feedback: 'There was no terminal to ask whether to go on.',
          };
        return {
          decision: 'rejected',
          by: 'no-terminal',
          feedback: 'the run was started with --approve ask. Rerun with --approve auto or deny.',
        };
      }
      const answer = queue.then(() => ask(request, io, signal));
      queue = answer.catch(() => undefined);
      return answer;
    },
  };
}

async function ask(
  request: ApprovalRequest,
  io: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream },
  signal: AbortSignal,
): Promise<ApprovalDecision> {
  const prompt = createInterface({ input: io.input, output: io.output });
  try {
    if (request.kind === 'stall') return await askToGoOn(request, prompt, io.output, signal);
    if (request.kind === 'elicitation')
      return await askElicitation(request.input as ElicitationForm, prompt, io.output, signal);
    io.output.write(`\nApproval needed (${request.rule}): ${request.tool}\n${indent(request.summary)}\n`);
    const answer = (await prompt.question('Approve? [y]es / [n]o: ', { signal })).trim().toLowerCase();
    if (answer === 'y' || answer === 'yes') return { decision: 'approved' };
    const feedback = (await prompt.question('Why not? (the model reads this): ', { signal })).trim();
    return { decision: 'rejected', feedback: feedback === '' ? 'Rejected by the person.' : feedback };
  } finally {
    prompt.close();
  }
}

async function askToGoOn(
  request: ApprovalRequest,
  prompt: ReturnType<typeof createInterface>,
  output: NodeJS.WritableStream,
  signal: AbortSignal,
): Promise<ApprovalDecision> {
  output.write(`\n${request.summary}\n`);
  const answer = (await prompt.question('Go on? [y]es / [n]o, stop: ', { signal })).trim().toLowerCase();
  if (answer !== 'y' && answer !== 'yes') return { decision: 'rejected' };
  const note = (await prompt.question('A note for the agent (optional): ', { signal })).trim();
  return note === '' ? { decision: 'approved' } : { decision: 'approved', feedback: note };
}

function indent(text: string): string {
  const lines = text.split('\n');
  const shown = lines.slice(0, 40).map((line) => `    ${line}`);
  if (lines.length > 40) shown.push(`    … ${lines.length - 40} more lines`);
  return shown.join('\n');
}
