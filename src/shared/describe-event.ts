// One-line descriptions of run events for the timeline, and the content fields a row can expand to.
// Pure, so the same wording can be checked in tests and reused by later views.
import { isBlobRef, type BlobRef, type Content, type RunEvent, type RunStatus } from './events';
import { handleEvent, type EventHandlers } from './event-handlers';
import { unreachable } from './exhaustive';
import { formatCompact, formatCost, formatDuration, formatMetric, formatSize, oneLine } from './format';

export type EventTone = 'error' | 'warning' | 'success' | 'neutral';

export interface EventDescription {
  text: string;
  tone: EventTone;
}

/** A field of an event worth showing in full: free text (maybe a blob) or structured arguments. */
export interface EventField {
  label: string;
  content: Content;
}

function text(content: Content | undefined, max = 160): string {
  if (content === undefined) return '';
  return oneLine(typeof content === 'string' ? content : content.preview, max);
}

/** Arguments as compact JSON, with blob references shown by their preview. */
export function argsPreview(args: unknown, max = 120): string {
  if (args === undefined) return '';
  return oneLine(JSON.stringify(withBlobPreviews(args)) ?? '', max);
}

/** A copy of a value where every blob reference becomes its preview text. */
export function withBlobPreviews(value: unknown): unknown {
  if (isBlobRef(value)) return `${value.preview}…`;
  if (Array.isArray(value)) return value.map(withBlobPreviews);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withBlobPreviews(item)]));
}

/** Every blob reference inside a value, with the path that leads to it (`args.content`). */
export function findBlobRefs(value: unknown, path: string): { path: string; ref: BlobRef }[] {
  if (isBlobRef(value)) return [{ path, ref: value }];
  if (Array.isArray(value)) return value.flatMap((item, index) => findBlobRefs(item, `${path}[${index}]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => findBlobRefs(item, `${path}.${key}`));
}

function join(...parts: (string | false | undefined)[]): string {
  return parts.filter((part): part is string => typeof part === 'string' && part.length > 0).join(' · ');
}

/** How each type of event reads in the timeline: its words and its tone. */
const DESCRIPTIONS: EventHandlers<EventDescription> = {
  'run.created': (event) => {
    const { goal, model, parent, origin } = event.payload;
    const fork = parent === undefined ? undefined : `from ${parent.runId} @ ${parent.seq}`;
    return { text: join(text(goal), model, origin !== 'new' && origin, fork), tone: 'neutral' };
  },
  'run.status': (event) => {
    const { status, reason } = event.payload;
    return { text: join(status, text(reason)), tone: statusTone(status) };
  },
  'run.limits': (event) => {
    const { maxSteps, budget } = event.payload;
    const parts = [
      maxSteps !== undefined && `${maxSteps} steps`,
      budget?.tokens !== undefined && `${formatCompact(budget.tokens)} tokens`,
      budget?.costUsd !== undefined && formatCost(budget.costUsd),
      budget?.wallMs !== undefined && `${Math.round(budget.wallMs / 1000)} s`,
    ];
    return { text: `limits raised: ${join(...parts) || 'none'}`, tone: 'neutral' };
  },
  'run.rule': (event) => {
    const { tool, arg, pattern, action } = event.payload.rule;
    const where = arg === undefined ? '' : ` where ${arg} matches "${pattern}"`;
    return { text: `rule added: ${action} ${tool}${where}`, tone: 'neutral' };
  },
  'message.user': (event) => ({ text: text(event.payload.text), tone: 'neutral' }),
  'model.started': (event) => ({ text: join(event.payload.model, event.payload.callId), tone: 'neutral' }),
  'model.finished': (event) => {
    const { text: reply, toolCalls, finishReason, usage, error } = event.payload;
    const failed = finishReason === 'error' || finishReason === 'interrupted';
    const tokens = `${formatCompact(usage.inputTokens)} in / ${formatCompact(usage.outputTokens)} out`;
    const calls = toolCalls.length > 0 ? `→ ${toolCalls.map((call) => call.name).join(', ')}` : undefined;
    const reason = finishReason === 'stop' || finishReason === 'tool_calls' ? undefined : finishReason;
    const body = error === undefined ? text(reply, 100) : text(error, 100);
    const cost = usage.cost > 0 ? formatCost(usage.cost) : undefined;
    return { text: join(body || '(no text)', calls, tokens, cost, reason), tone: failed ? 'error' : 'neutral' };
  },
  'tool.started': (event) => ({ text: join(event.payload.tool, argsPreview(event.payload.args)), tone: 'neutral' }),
  'tool.finished': (event) => {
    const { output, isError } = event.payload;
    return { text: join(isError ? 'error' : 'ok', text(output)), tone: isError ? 'error' : 'success' };
  },
  'approval.requested': (event) => {
    const { tool, summary, rule } = event.payload;
    return { text: join(`${tool}: ${text(summary)}`, rule && `rule ${rule}`), tone: 'warning' };
  },
  'approval.resolved': (event) => {
    const { decision, feedback } = event.payload;
    return { text: join(decision, text(feedback)), tone: decision === 'approved' ? 'success' : 'error' };
  },
  'job.started': (event) => {
    const { jobId, command, gpu } = event.payload;
    return { text: join(jobId, gpu && 'GPU', text(command)), tone: 'neutral' };
  },
  'job.metric': (event) => {
    const { jobId, step, values } = event.payload;
    const metrics = Object.entries(values)
      .map(([key, value]) => `${key}=${formatMetric(value)}`)
      .join(' ');
    return { text: join(jobId, step !== undefined && `step ${step}`, metrics), tone: 'neutral' };
  },
  'job.finished': (event) => {
    const { jobId, status, exitCode } = event.payload;
    const exit = exitCode === null ? undefined : `exit ${exitCode}`;
    return { text: join(jobId, status, exit), tone: status === 'succeeded' ? 'success' : 'error' };
  },
  'artifact.recorded': (event) => {
    const { path, bytes, jobId } = event.payload;
    return { text: join(path, formatSize(bytes), jobId), tone: 'success' };
  },
  'evaluation.recorded': (event) => {
    const { metric, value, target, attempt, better } = event.payload;
    const reached = target !== undefined && (better === 'lower' ? value <= target : value >= target);
    return {
      text: join(
        `${metric} = ${formatMetric(value)}`,
        target !== undefined && `target ${formatMetric(target)}`,
        attempt !== undefined && `attempt ${attempt}`,
      ),
      tone: target === undefined ? 'neutral' : reached ? 'success' : 'warning',
    };
  },
  'evaluation.failed': (event) => {
    const { metric, attempt, reason } = event.payload;
    return { text: join(`${metric}: ${reason}`, `attempt ${attempt}`), tone: 'error' };
  },
  'context.compacted': (event) => {
    const { tokensBefore, tokensAfter, summary } = event.payload;
    return {
      text: join(`${formatCompact(tokensBefore)} → ${formatCompact(tokensAfter)} tokens`, text(summary)),
      tone: 'neutral',
    };
  },
  'workspace.snapshot': (event) => {
    const { manifest, files, bytes, newBytes, skipped, withheld = [] } = event.payload;
    if (manifest === null) return { text: join('workspace not captured', skipped), tone: 'warning' };
    const size = files > 0 && formatSize(bytes);
    const stored = newBytes > 0 ? `${formatSize(newBytes)} new` : 'nothing new stored';
    const left =
      withheld.length > 0 && `left out: ${withheld.map((file) => `${file.path} (${file.reason})`).join(', ')}`;
    const text = join(`workspace: ${files} ${files === 1 ? 'file' : 'files'}`, size, stored, left);
    return { text, tone: withheld.length > 0 ? 'warning' : 'neutral' };
  },
  'plan.updated': (event) => {
    const { items } = event.payload;
    const done = items.filter((item) => item.status === 'done').length;
    const active = items.find((item) => item.status === 'in_progress');
    return { text: join(`${done}/${items.length} done`, active && `now: ${active.text}`), tone: 'neutral' };
  },
  'replay.diverged': (event) => {
    const { step, tool, callId, then } = event.payload;
    const next = then === 'stop' ? 'replay stopped' : 'continued live';
    return { text: join(`diverged at step ${step}`, `${tool} ${callId}`, next), tone: 'warning' };
  },
  'loop.parked': (event) => ({
    text: join(`parked until ${event.payload.jobId} ends`, event.payload.reason),
    tone: 'warning',
  }),
  'loop.woke': (event) => ({ text: `woke: ${WOKE_BY[event.payload.reason]}`, tone: 'neutral' }),
  'job.watch': (event) => {
    const { jobId, message } = event.payload;
    return { text: join(jobId, `watch: ${message}`), tone: 'warning' };
  },
  'job.progress': (event) => {
    const { jobId, done, total, etaSeconds } = event.payload;
    return { text: join(jobId, `${done}/${total}`, `ETA ${formatDuration(etaSeconds * 1000)}`), tone: 'neutral' };
  },
  'job.resumed': (event) => {
    const { jobId, checkpoint, auto } = event.payload;
    return { text: join(jobId, `resumed from ${checkpoint}`, auto && 'by itself'), tone: 'neutral' };
  },
  'network.request': (event) => {
    const { host, port, allowed, bytesIn, bytesOut, durationMs, reason } = event.payload;
    const where = `${host}:${port}`;
    if (!allowed) return { text: join(`refused ${where}`, reason), tone: 'error' };
    const traffic = `${formatSize(bytesIn)} in / ${formatSize(bytesOut)} out`;
    return { text: join(where, traffic, formatDuration(durationMs)), tone: 'neutral' };
  },
};

export function describeEvent(event: RunEvent): EventDescription {
  return handleEvent(DESCRIPTIONS, event);
}

const WOKE_BY = { 'job-ended': 'the job ended', 'watch-fired': 'a watch on the job fired', person: 'the person acted' };

function statusTone(status: RunStatus): EventTone {
  if (status === 'finished') return 'success';
  if (status === 'failed' || status === 'stalled') return 'error';
  if (status === 'waiting' || status === 'interrupted' || status === 'stopped') return 'warning';
  return 'neutral';
}

/** The free-text fields of an event, as stored (inline text or a blob reference). */
export function contentFields(event: RunEvent): EventField[] {
  return rawFields(event)
    .filter((field): field is [string, Content] => field[1] !== undefined && field[1] !== '')
    .map(([label, content]) => ({ label, content }));
}

function rawFields(event: RunEvent): [string, Content | undefined][] {
  switch (event.type) {
    case 'run.created':
      return [['goal', event.payload.goal]];
    case 'run.status':
      return [['reason', event.payload.reason]];
    case 'message.user':
      return [['text', event.payload.text]];
    case 'model.finished':
      return [
        ['text', event.payload.text],
        ['thinking', event.payload.thinking],
        ['error', event.payload.error],
      ];
    case 'tool.finished':
      return [['output', event.payload.output]];
    case 'approval.requested':
      return [['summary', event.payload.summary]];
    case 'approval.resolved':
      return [['feedback', event.payload.feedback]];
    case 'job.started':
      return [['command', event.payload.command]];
    case 'context.compacted':
      return [['summary', event.payload.summary]];
    case 'evaluation.recorded':
      return [['output', event.payload.output]];
    case 'evaluation.failed':
      return [['output', event.payload.output]];
    case 'replay.diverged':
      return [
        ['expected', event.payload.expected],
        ['got', event.payload.got],
      ];
    // No free text: structured arguments are shown apart (eventArgs).
    case 'run.limits':
    case 'run.rule':
    case 'model.started':
    case 'tool.started':
    case 'job.metric':
    case 'job.finished':
    case 'artifact.recorded':
    case 'plan.updated':
    case 'workspace.snapshot':
    case 'network.request':
    case 'loop.woke':
    case 'job.watch':
    case 'job.progress':
    case 'job.resumed':
      return [];
    case 'loop.parked':
      return [['reason', event.payload.reason]];
    default:
      return unreachable(event);
  }
}

/** Blob references inside an event's tool arguments, labelled by where they sit (`write.args.content`). */
export function argBlobs(event: RunEvent): EventField[] {
  const found =
    event.type === 'tool.started'
      ? findBlobRefs(event.payload.args, 'args')
      : event.type === 'model.finished'
        ? event.payload.toolCalls.flatMap((call) => findBlobRefs(call.args, `${call.name}.args`))
        : [];
  return found.map(({ path, ref }) => ({ label: path, content: ref }));
}

/** Structured arguments of an event (tool calls), or undefined when it has none. */
export function eventArgs(event: RunEvent): unknown {
  if (event.type === 'tool.started') return event.payload.args;
  if (event.type === 'model.finished' && event.payload.toolCalls.length > 0) {
    return event.payload.toolCalls.map((call) => ({
      tool: call.name,
      id: call.id,
      args: call.args,
      ...(call.recoveredFrom !== undefined && { recoveredFrom: call.recoveredFrom }),
    }));
  }
  return undefined;
}
