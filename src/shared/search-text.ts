// What of an event is worth finding by full-text search: the words a person or a model wrote and
// what the tools printed. Taken from the draft, before large text is moved out to blobs.
import type { Content, EventDraft } from './events';
import { unreachable } from './exhaustive';

function text(content: Content | undefined): string {
  if (content === undefined) return '';
  return typeof content === 'string' ? content : content.preview;
}

/** Caps the indexed text so a pathological output cannot bloat the index; the blob keeps it all. */
export const SEARCH_TEXT_MAX_CHARS = 256 * 1024;

/** Terminal colour and cursor codes: `\u001b[32mloss` must index as the word `loss`. */
// eslint-disable-next-line no-control-regex
const terminalCodes = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

export function searchText(draft: EventDraft): string {
  const full = extract(draft).replace(terminalCodes, '');
  return full.length > SEARCH_TEXT_MAX_CHARS ? full.slice(0, SEARCH_TEXT_MAX_CHARS) : full;
}

function extract(draft: EventDraft): string {
  switch (draft.type) {
    case 'run.created':
      return text(draft.payload.goal);
    case 'message.user':
      return text(draft.payload.text);
    case 'model.finished':
      return [text(draft.payload.text), ...draft.payload.toolCalls.map((call) => JSON.stringify(call.args))].join('\n');
    case 'tool.finished':
      return text(draft.payload.output);
    case 'approval.resolved':
      return text(draft.payload.feedback);
    case 'context.compacted':
      return text(draft.payload.summary);
    case 'run.status':
      return text(draft.payload.reason);
    // What a job's watch saw (`loss is NaN at step 120`).
    case 'job.watch':
      return draft.payload.message;
    // A host the sandbox reached or was refused: finds the runs that downloaded from it.
    case 'network.request':
      return draft.payload.host;
    // Names, numbers, ids, and text found in another event (an approval's summary is its call's).
    case 'approval.requested':
    case 'evaluation.recorded':
    case 'evaluation.failed':
    case 'run.limits':
    case 'run.rule':
    case 'model.started':
    case 'tool.started':
    case 'job.started':
    case 'job.metric':
    case 'job.finished':
    case 'job.progress':
    case 'job.resumed':
    case 'artifact.recorded':
    case 'plan.updated':
    case 'workspace.snapshot':
    case 'replay.diverged':
    case 'loop.parked':
    case 'loop.woke':
      return '';
    default:
      return unreachable(draft);
  }
}
