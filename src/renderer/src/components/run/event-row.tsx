// One event in a run's timeline: seq, time, type and a one-line description; blob-stored text shows
// its preview and can load in full; a click expands the event's text and arguments. Rows of the
// selected graph node are marked and open until the person closes them. What a model or person wrote
// reads as markdown, commands and arguments as highlighted code.
import { memo, useState } from 'react';
import { isBlobRef, type RunEvent } from '../../../../shared/events';
import {
  argBlobs,
  contentFields,
  describeEvent,
  eventArgs,
  withBlobPreviews,
  type EventField,
} from '../../../../shared/describe-event';
import { formatClock } from '../../../../shared/format';
import { BlobContent, type ContentFormat } from '../common/blob-content';
import { CodeBlock } from '../common/code-block';
import { useScrollIntoView } from '../../hooks/use-scroll-into-view';
import { unreachable } from '../../../../shared/exhaustive';

interface EventRowProps {
  event: RunEvent;
  focused: boolean;
  highlighted?: boolean;
}

export const EventRow = memo(function EventRow({ event, focused, highlighted = false }: EventRowProps) {
  const ref = useScrollIntoView<HTMLLIElement>(focused, 'center');
  const [toggled, setToggled] = useState<boolean | null>(null);
  const expanded = toggled ?? highlighted;

  const description = describeEvent(event);
  const fields = contentFields(event);
  const args = eventArgs(event);
  const blobs = [...fields.filter((field) => isBlobRef(field.content)), ...argBlobs(event)];
  const inline = fields.filter((field) => !isBlobRef(field.content));
  const expandable = inline.length > 0 || args !== undefined;
  const category = event.type.split('.')[0];

  return (
    <li
      ref={ref}
      className={`event-row tone-${description.tone}${focused ? ' focused' : ''}${highlighted ? ' highlighted' : ''}`}
      data-testid="event-row"
      data-seq={event.seq}
    >
      <button
        type="button"
        className="event-line"
        aria-expanded={expandable ? expanded : undefined}
        disabled={!expandable}
        onClick={() => setToggled(!expanded)}
      >
        <span className="event-seq mono">{event.seq}</span>
        <span className="event-time mono">{formatClock(event.time)}</span>
        <span className={`event-type mono type-${category}`}>{event.type}</span>
        <span className="event-text" title={description.text}>
          {description.text}
        </span>
      </button>
      {blobs.length > 0 && (
        <div className="event-blobs">
          <ContentFields event={event} fields={blobs} />
        </div>
      )}
      {expanded && expandable && <EventDetails event={event} inline={inline} args={args} />}
    </li>
  );
});

function ContentFields({ event, fields }: { event: RunEvent; fields: readonly EventField[] }) {
  return fields.map((field) => (
    <BlobContent
      key={field.label}
      label={field.label}
      content={field.content}
      format={fieldFormat(event, field.label)}
    />
  ));
}

/** The event's text fields in full, and its arguments as JSON. */
function EventDetails({ event, inline, args }: { event: RunEvent; inline: readonly EventField[]; args: unknown }) {
  return (
    <div className="event-details">
      <ContentFields event={event} fields={inline} />
      {args !== undefined && (
        <div className="content-field">
          <div className="content-label">args</div>
          <CodeBlock code={JSON.stringify(withBlobPreviews(args), null, 2) ?? ''} language="json" />
        </div>
      )}
    </div>
  );
}

/** Free text the model or a person wrote reads as markdown; a job's command as bash. */
export function fieldFormat(event: RunEvent, label: string): ContentFormat {
  switch (event.type) {
    case 'run.created':
    case 'message.user':
    case 'context.compacted':
      return 'markdown';
    case 'model.finished':
      return label === 'text' || label === 'thinking' ? 'markdown' : 'text';
    case 'job.started':
      return { language: 'bash' };
    case 'run.status':
    case 'run.limits':
    case 'run.rule':
    case 'model.started':
    case 'tool.started':
    case 'tool.finished':
    case 'approval.requested':
    case 'approval.resolved':
    case 'job.metric':
    case 'job.finished':
    case 'job.watch':
    case 'job.progress':
    case 'job.resumed':
    case 'artifact.recorded':
    case 'evaluation.recorded':
    case 'evaluation.failed':
    case 'plan.updated':
    case 'workspace.snapshot':
    case 'replay.diverged':
    case 'network.request':
    case 'loop.parked':
    case 'loop.woke':
      return 'text';
    default:
      return unreachable(event);
  }
}
