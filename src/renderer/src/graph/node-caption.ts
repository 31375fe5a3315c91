// The line of text a graph node shows: what the step was about, read from its own events. A tool
// call names its file or command, an approval the first line of what it asks, a model call the start
// of its reply (or the calls it made); the reducer's label is the fallback.
import { previewText, type RunEvent } from '../../../shared/events';
import { oneLine } from '../../../shared/format';
import type { GraphNode } from '../../../shared/run-graph';

const CAPTION_CHARS = 80;
const primaryArgs = ['path', 'command', 'query', 'url', 'model', 'dataset'];

/** The event with this seq: events are stored from seq 0 without gaps, so usually at that index. */
export function eventAt(events: readonly RunEvent[], seq: number): RunEvent | undefined {
  const direct = events[seq];
  if (direct?.seq === seq) return direct;
  return events.find((event) => event.seq === seq);
}

function primaryArg(args: unknown): string {
  if (typeof args !== 'object' || args === null) return '';
  const record = args as Record<string, unknown>;
  const key = primaryArgs.find((name) => typeof record[name] === 'string');
  return key === undefined ? '' : oneLine(record[key] as string, CAPTION_CHARS);
}

function callNames(names: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts].map(([name, count]) => (count === 1 ? name : `${name} ×${count}`)).join(', ');
}

export function nodeCaption(node: GraphNode, events: readonly RunEvent[]): string {
  const first = node.seqs[0] === undefined ? undefined : eventAt(events, node.seqs[0]);
  const last = node.seqs.length < 2 ? undefined : eventAt(events, node.seqs.at(-1)!);
  if (first?.type === 'tool.started') return `${first.payload.tool} ${primaryArg(first.payload.args)}`.trim();
  if (first?.type === 'approval.requested') {
    // A network question is about its host; its summary says the same at more length.
    if (first.payload.kind === 'network') return node.label;
    return oneLine(previewText(first.payload.summary).split('\n')[0] ?? '', CAPTION_CHARS) || node.label;
  }
  if (last?.type === 'model.finished') {
    const { text, toolCalls, error } = last.payload;
    const words = oneLine(previewText(error ?? text), CAPTION_CHARS);
    if (words !== '') return words;
    if (toolCalls.length > 0) return `→ ${callNames(toolCalls.map((call) => call.name))}`;
  }
  return node.label;
}
