// The text on the loop graph's nodes, read from the run's events: a step's words (what the model said,
// or why it was cut off) and a line per call naming its file or command.
import { previewText, type RunEvent } from '../../../shared/events';
import { oneLine } from '../../../shared/format';
import type { LoopNode } from '../../../shared/loop-graph';
import type { Captions } from './flow-elements';
import { eventAt, nodeCaption } from './node-caption';

const CAPTION_CHARS = 90;

function stepWords(item: LoopNode, events: readonly RunEvent[]): string {
  const node = item.node;
  if (node === null) return '';
  const last = node.seqs.length < 2 ? undefined : eventAt(events, node.seqs.at(-1)!);
  if (last?.type !== 'model.finished') return node.status === 'running' ? `${node.label} is thinking…` : '';
  return oneLine(previewText(last.payload.error ?? last.payload.text), CAPTION_CHARS);
}

export function loopCaptions(events: readonly RunEvent[]): Captions {
  return {
    caption(item) {
      if (item.kind === 'step') return stepWords(item, events);
      if (item.kind === 'gate') return '';
      if (item.child !== undefined) return `${item.child.relation} · ${oneLine(item.child.title, CAPTION_CHARS)}`;
      return item.node === null ? '' : nodeCaption(item.node, events);
    },
    calls(item) {
      const captions: Record<string, string> = {};
      for (const call of item.calls) {
        const node = call.tool ?? call.approval;
        if (node !== null) captions[call.id] = nodeCaption(node, events);
      }
      return captions;
    },
  };
}
