// A run's events in order, one row each.
import type { RunEvent } from '../../../shared/events';
import { EventRow } from './event-row';

interface EventTimelineProps {
  events: readonly RunEvent[];
  focusSeq: number | undefined;
}

export function EventTimeline({ events, focusSeq }: EventTimelineProps) {
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
      <ol className="event-list">
        {events.map((event) => (
          <EventRow key={event.seq} event={event} focused={event.seq === focusSeq} />
        ))}
      </ol>
    </section>
  );
}
