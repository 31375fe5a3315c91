// An MCP server's request for input (`elicitation/create`, form mode) becomes a question for the person
// through the run's approval gate, recorded like an approval (kind `elicitation`, with the server, its
// message and the fields it asks for). Approved with the filled-in fields, the server gets them (accept);
// rejected, it is told the person declined; unanswered (the run stopped, the server gave up, no answer the
// fields allow) it is told the question was cancelled. Nothing is made up: a gate that answers without
// the fields cancels. The answers' values are sent to the server, never recorded.
import { randomUUID } from 'node:crypto';
import type { ElicitRequest, ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import type { ElicitationField, ElicitationForm } from '../../shared/events';
import { pendingApprovals } from '../../shared/pending-approvals';
import type { ApprovalGate, ApprovalRequest } from '../core/ports';
import type { Recorder } from '../core/recorder';

/** Where a run's MCP servers put their questions: the run's gate, recorded in the run's log. */
export interface ElicitationPort {
  runId: string;
  gate: ApprovalGate;
  recorder: Pick<Recorder, 'record'>;
}

type FormParams = Extract<ElicitRequest['params'], { requestedSchema: unknown }>;

/** The fields of a requested schema, in the form a card or a terminal asks them. */
export function elicitationFields(schema: FormParams['requestedSchema']): ElicitationField[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties).map(([name, property]) => {
    const field: ElicitationField = { name, type: 'string', required: required.has(name) };
    if (property.title !== undefined) field.title = property.title;
    if (property.description !== undefined) field.description = property.description;
    if (property.type === 'number' || property.type === 'integer' || property.type === 'boolean') {
      field.type = property.type;
    }
    const options = choices(property);
    if (options !== undefined) field.options = options;
    const fallback = 'default' in property ? property.default : undefined;
    if (typeof fallback === 'string' || typeof fallback === 'number' || typeof fallback === 'boolean') {
      field.default = fallback;
    }
    return field;
  });
}

function choices(property: object): string[] | undefined {
  if ('enum' in property && Array.isArray(property.enum)) return property.enum.map(String);
  if ('oneOf' in property && Array.isArray(property.oneOf)) {
    return property.oneOf.flatMap((option: unknown) =>
      typeof option === 'object' && option !== null && 'const' in option ? [String(option.const)] : [],
    );
  }
  return undefined;
}

/**
 * The answer as the server's schema wants it (numbers as numbers, yes/no as booleans), or a sentence
 * saying what is wrong with it.
 */
export function elicitationContent(
  fields: readonly ElicitationField[],
  answer: unknown,
): { content: Record<string, string | number | boolean> } | { wrong: string } {
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) return { wrong: 'no answer was given' };
  const given = answer as Record<string, unknown>;
  const content: Record<string, string | number | boolean> = {};
  for (const field of fields) {
    const raw = given[field.name];
    if (raw === undefined || raw === '') {
      if (field.required) return { wrong: `${field.name} is required` };
      continue;
    }
    const value = typed(field, raw);
    if (value === undefined) return { wrong: `${field.name} is not a ${field.options ? 'listed choice' : field.type}` };
    content[field.name] = value;
  }
  return { content };
}

function typed(field: ElicitationField, raw: unknown): string | number | boolean | undefined {
  if (field.type === 'boolean') {
    if (typeof raw === 'boolean') return raw;
    return raw === 'true' || raw === 'yes' ? true : raw === 'false' || raw === 'no' ? false : undefined;
  }
  if (field.type === 'number' || field.type === 'integer') {
    const number = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw.trim()) : NaN;
    if (!Number.isFinite(number) || (field.type === 'integer' && !Number.isInteger(number))) return undefined;
    return number;
  }
  if (typeof raw !== 'string') return undefined;
  return field.options === undefined || field.options.includes(raw) ? raw : undefined;
}

/** The question as text: what the server asks, and each field (for the terminal and the run's log). */
export function elicitationSummary(form: ElicitationForm): string {
  const lines = form.fields.map((field) => {
    const kind = field.options ? `one of ${field.options.join(', ')}` : field.type;
    const about = field.description === undefined ? '' : `: ${field.description}`;
    return `- ${field.name} (${kind}${field.required ? ', required' : ''})${about}`;
  });
  return [`The MCP server ${form.server} asks: ${form.message}`, ...lines].join('\n');
}

/** Asks the person what a server wants to know; resolves with the server's answer. */
export async function askPerson(
  port: ElicitationPort,
  server: string,
  params: ElicitRequest['params'],
  signal: AbortSignal,
): Promise<ElicitResult> {
  if (!('requestedSchema' in params)) return { action: 'decline' };
  const form: ElicitationForm = { server, message: params.message, fields: elicitationFields(params.requestedSchema) };
  const callId = `elicit-${randomUUID()}`;
  const summary = elicitationSummary(form);
  const request: ApprovalRequest = {
    kind: 'elicitation',
    runId: port.runId,
    callId,
    tool: `mcp__${server}`,
    input: form,
    summary,
    rule: 'an MCP server asks the person',
  };
  port.recorder.record([
    {
      type: 'approval.requested',
      payload: { callId, tool: request.tool, summary, rule: request.rule, kind: 'elicitation', form },
    },
    { type: 'run.status', payload: { status: 'waiting' } },
  ]);
  const { result, note } = await answer(port.gate, request, form, signal);
  port.recorder.record([
    {
      type: 'approval.resolved',
      payload: { callId, decision: result.action === 'accept' ? 'approved' : 'rejected', feedback: note },
    },
    { type: 'run.status', payload: { status: 'running' } },
  ]);
  return result;
}

async function answer(
  gate: ApprovalGate,
  request: ApprovalRequest,
  form: ElicitationForm,
  signal: AbortSignal,
): Promise<{ result: ElicitResult; note: string }> {
  try {
    const decision = await gate.decide(request, signal);
    if (decision.decision === 'rejected') {
      return { result: { action: 'decline' }, note: decision.feedback?.trim() || 'Declined.' };
    }
    const content = elicitationContent(form.fields, decision.editedInput);
    if ('wrong' in content) return { result: { action: 'cancel' }, note: `Cancelled: ${content.wrong}.` };
    const names = Object.keys(content.content);
    return {
      result: { action: 'accept', content: content.content },
      note: `Answered ${names.join(', ') || 'with nothing'}.`,
    };
  } catch {
    return { result: { action: 'cancel' }, note: 'Cancelled: not answered before the question was withdrawn.' };
  }
}

/** Questions left open when Looplab stopped: the server that asked is gone, so each is closed as cancelled. */
export function closeOpenElicitations(port: ElicitationPort, events: Parameters<typeof pendingApprovals>[0]): void {
  const open = pendingApprovals(events).filter((approval) => approval.kind === 'elicitation');
  if (open.length === 0) return;
  port.recorder.record(
    open.map((approval) => ({
      type: 'approval.resolved' as const,
      payload: {
        callId: approval.callId,
        decision: 'rejected' as const,
        feedback: 'Cancelled: the MCP server that asked was stopped when Looplab stopped.',
      },
    })),
  );
}
