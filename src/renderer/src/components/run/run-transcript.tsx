// The run as a transcript beside the graph: the goal, the person's and the model's words as markdown,
// each call with its input highlighted (a write or edit as its diff), its approval and decision, and
// its output folded until asked for. A long run shows its newest entries and earlier ones on request.
import { memo, useMemo, useState, type ReactNode } from 'react';
import type { Content, RunEvent } from '../../../../shared/events';
import { filesBefore, type FileBefore } from '../../file-changes';
import { timelineStart } from '../../timeline-window';
import { buildTranscript, entryHas, type TranscriptCall, type TranscriptEntry } from '../../transcript';
import { BlobContent } from '../common/blob-content';
import { MarkdownText } from '../common/markdown-text';
import { ToolCallView } from '../common/tool-call-view';
import { EvaluationCard } from './evaluation-card';
import { ShowEarlier } from './show-earlier';
import { useScrollIntoView } from '../../hooks/use-scroll-into-view';

interface RunTranscriptProps {
  events: readonly RunEvent[];
  highlight?: ReadonlySet<number>;
}

const none: ReadonlySet<number> = new Set();
/** Entries carry markdown and highlighted code, so fewer are drawn at first than timeline rows. */
const TRANSCRIPT_TAIL = 100;
const MORE = 200;

export function RunTranscript({ events, highlight = none }: RunTranscriptProps) {
  const entries = useMemo(() => buildTranscript(events), [events]);
  const befores = useMemo(() => filesBefore(events), [events]);
  const [extra, setExtra] = useState(0);
  const focusIndex = highlight.size === 0 ? undefined : entries.findIndex((entry) => entryHas(entry, highlight));
  const start = timelineStart(entries.length, extra, focusIndex, TRANSCRIPT_TAIL);

  return (
    <section className="transcript" aria-label="Transcript" data-testid="transcript">
      <ShowEarlier
        hidden={start}
        noun="entries"
        batch={MORE}
        onMore={() => setExtra(extra + MORE)}
        onAll={() => setExtra(entries.length)}
      />
      <ol className="transcript-list">
        {entries.slice(start).map((entry, index) => (
          <TranscriptItem
            key={entry.kind === 'call' ? entry.callId : entry.seq}
            entry={entry}
            before={entry.kind === 'call' ? befores.get(entry.callId) : undefined}
            marked={entryHas(entry, highlight)}
            focused={start + index === focusIndex}
          />
        ))}
      </ol>
    </section>
  );
}

interface TranscriptItemProps {
  entry: TranscriptEntry;
  before: FileBefore | undefined;
  marked: boolean;
  focused: boolean;
}

const TranscriptItem = memo(function TranscriptItem({ entry, before, marked, focused }: TranscriptItemProps) {
  const ref = useScrollIntoView<HTMLLIElement>(focused);
  return (
    <li
      ref={ref}
      className={`transcript-entry entry-${entry.kind}${marked ? ' highlighted' : ''}`}
      data-testid="transcript-entry"
      data-kind={entry.kind}
      data-seq={entry.seq}
    >
      <EntryBody entry={entry} before={before} />
    </li>
  );
});

function Speaker({ children }: { children: ReactNode }) {
  return <div className="transcript-speaker">{children}</div>;
}

function EntryBody({ entry, before }: { entry: TranscriptEntry; before: FileBefore | undefined }) {
  switch (entry.kind) {
    case 'goal':
      return (
        <>
          <Speaker>Goal</Speaker>
          <BlobContent content={entry.text} format="markdown" />
        </>
      );
    case 'user':
      return (
        <>
          <Speaker>{entry.source === 'harness' ? 'Looplab' : 'You'}</Speaker>
          <BlobContent content={entry.text} format="markdown" />
        </>
      );
    case 'model':
      return <ModelBody entry={entry} />;
    case 'call':
      return <CallBody call={entry} before={before} />;
    case 'plan':
      return (
        <>
          <Speaker>Plan</Speaker>
          <ul className="transcript-plan">
            {entry.items.map((item, index) => (
              <li key={index} className={`plan-${item.status}`}>
                <span className="plan-mark">{planMarks[item.status]}</span>{' '}
                <MarkdownText text={item.text} className="plan-text" inline />
              </li>
            ))}
          </ul>
        </>
      );
    case 'compaction':
      return (
        <>
          <Speaker>Earlier conversation, summarized</Speaker>
          <Folded label="summary">
            <BlobContent content={entry.summary} format="markdown" />
          </Folded>
        </>
      );
    case 'evaluation':
      return <EvaluationCard entry={entry} />;
    case 'note':
      return (
        <p className={`transcript-note tone-${entry.tone}`}>
          <span className="mono muted">{entry.type}</span> {entry.text}
        </p>
      );
  }
}

/** The model's words; its reasoning, when it sent any, folded above them. */
function ModelBody({ entry }: { entry: Extract<TranscriptEntry, { kind: 'model' }> }) {
  return (
    <>
      <Speaker>Model</Speaker>
      {entry.thinking !== undefined && (
        <Folded label="Thinking…">
          <BlobContent content={entry.thinking} format="markdown" />
        </Folded>
      )}
      {entry.text !== '' && <BlobContent content={entry.text} format="markdown" />}
      {entry.error !== undefined && <BlobContent label="error" content={entry.error} />}
    </>
  );
}

const planMarks = { pending: '○', in_progress: '◐', done: '●' } as const;

function CallBody({ call, before }: { call: TranscriptCall; before: FileBefore | undefined }) {
  return (
    <>
      <Speaker>
        <span className="mono transcript-tool">{call.tool}</span> <span className="mono muted">{call.callId}</span>
        {call.recoveredFrom !== undefined && <RecoveredMark format={call.recoveredFrom} />}
      </Speaker>
      {call.args !== undefined && <ToolCallView tool={call.tool} args={call.args} before={before} loadBlobs={false} />}
      {call.approval !== undefined && <Decision approval={call.approval} />}
      {call.output !== undefined && (
        <Folded label={call.output.isError ? 'output (error)' : 'output'} error={call.output.isError}>
          <BlobContent content={call.output.content} />
        </Folded>
      )}
    </>
  );
}

const formatNames = {
  hermes: '<tool_call>',
  'json-block': 'a ```json block',
  mistral: '[TOOL_CALLS]',
  llama: '<|python_tag|>',
};

/** A call the model wrote in its words rather than sending it as a call; Looplab ran it as one. */
function RecoveredMark({ format }: { format: NonNullable<TranscriptCall['recoveredFrom']> }) {
  return (
    <span
      className="transcript-recovered muted"
      data-testid="recovered-mark"
      title={`The model wrote this call as text (${formatNames[format]}) instead of calling the tool; Looplab recognised it and ran it.`}
    >
      {' '}
      recovered from text
    </span>
  );
}

function Decision({ approval }: { approval: NonNullable<TranscriptCall['approval']> }) {
  const words = { waiting: 'Waiting for approval', approved: 'Approved', rejected: 'Rejected' } as const;
  return (
    <div className={`transcript-decision decision-${approval.decision}`} data-testid="transcript-decision">
      <span>{words[approval.decision]}</span>
      {approval.feedback !== undefined && <Feedback feedback={approval.feedback} />}
    </div>
  );
}

function Feedback({ feedback }: { feedback: Content }) {
  return typeof feedback === 'string' ? <q>{feedback}</q> : <BlobContent label="feedback" content={feedback} />;
}

/** A part shown only when asked for, so a long run does not lay out every output it printed. */
function Folded({ label, error = false, children }: { label: string; error?: boolean; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <div className="transcript-folded">
      <button
        type="button"
        className={`link transcript-fold${error ? ' fold-error' : ''}`}
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        {open ? '▾' : '▸'} {label}
      </button>
      {open && children}
    </div>
  );
}

export type EventsView = 'events' | 'transcript' | 'files';

interface EventsViewSwitchProps {
  view: EventsView;
  onChange: (view: EventsView) => void;
  /** Buttons at the end of the tab bar (maximising the pane). */
  extra?: ReactNode;
}

/** Chooses how the run reads: as a transcript (the default), or as its raw events, one row each. */
export function EventsViewSwitch({ view, onChange, extra }: EventsViewSwitchProps) {
  const views: [EventsView, string][] = [
    ['transcript', 'Transcript'],
    ['events', 'Events'],
    ['files', 'Files'],
  ];
  return (
    <div className="events-view-switch" role="tablist" aria-label="How the run reads">
      {views.map(([value, label]) => (
        <button
          key={value}
          type="button"
          role="tab"
          className={`events-view-tab${view === value ? ' active' : ''}`}
          aria-selected={view === value}
          data-testid={`view-${value}`}
          onClick={() => onChange(value)}
        >
          {label}
        </button>
      ))}
      {extra !== undefined && <span className="events-view-extra">{extra}</span>}
    </div>
  );
}
