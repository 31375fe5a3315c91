// The line above a run's events or transcript when its beginning is not shown: how many are hidden,
// a button for the next batch and a link for all of them.
interface ShowEarlierProps {
  /** How many are hidden above. */
  hidden: number;
  /** What they are, plural: "events", "entries". */
  noun: string;
  /** How many one press of the button shows. */
  batch: number;
  onMore: () => void;
  onAll: () => void;
}

export function ShowEarlier({ hidden, noun, batch, onMore, onAll }: ShowEarlierProps) {
  if (hidden <= 0) return null;
  return (
    <div className="timeline-more">
      <span className="muted">
        {hidden} earlier {noun}
      </span>
      <button type="button" className="button" onClick={onMore}>
        Show {Math.min(batch, hidden)} more
      </button>
      <button type="button" className="link" onClick={onAll}>
        Show all
      </button>
    </div>
  );
}
