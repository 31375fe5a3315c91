// A run's events in order, one row each; the selected graph node's rows are marked and opened, and
// the first of them (or a search hit) scrolled into view. A long run shows its newest events and
// renders earlier ones when asked (or when one must come into view).
import { useState } from 'react';
import type { RunEvent } from '../../../../shared/events';
import { timelineStart } from '../../timeline-window';
import { EventRow } from './event-row';
import { ShowEarlier } from './show-earlier';

interface EventTimelineProps {
  events: readonly RunEvent[];
  focusSeq: number | undefined;
  highlight?: ReadonlySet<number>;
}

const none: ReadonlySet<number> = new Set();
const MORE = 1000;

export function EventTimeline({ events, focusSeq, highlight = none }: EventTimelineProps) {
  const [extra, setExtra] = useState(0);
  const focusIndex = focusSeq === undefined ? undefined : events.findIndex((event) => event.seq === focusSeq);
  const start = timelineStart(events.length, extra, focusIndex);
  const shown = start === 0 ? events : events.slice(start);

  return (
    <section className="timeline" aria-label="Event timeline">
      <div className="timeline-head">
        <span>seq</span>
        <span>time</span>
        <span>type</span>
        <span>
          {events.length} {events.length === 1 ? 'event' : 'events'}
        </span>
      </div>
      <ShowEarlier
        hidden={start}
        noun="events"
        batch={MORE}
        onMore={() => setExtra(extra + MORE)}
        onAll={() => setExtra(events.length)}
      />
      <ol className="event-list">
        {shown.map((event) => (
          <EventRow
            key={event.seq}
            event={event}
            focused={event.seq === focusSeq}
            highlighted={highlight.has(event.seq)}
          />
        ))}
      </ol>
    </section>
  );
}
