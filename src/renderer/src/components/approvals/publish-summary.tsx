// A publish's dry run, as the person approves it: the repo and its visibility, each file with its size,
// and the card Looplab wrote from the run, in full, in a box of its own.
import { CARD_HEADING } from '../../../../shared/publish';

export function PublishSummary({ summary }: { summary: string }) {
  const at = summary.indexOf(`\n${CARD_HEADING}\n`);
  const plan = at < 0 ? summary : summary.slice(0, at).trimEnd();
  const card = at < 0 ? undefined : summary.slice(at + CARD_HEADING.length + 2);
  return (
    <div className="publish-summary" data-testid="publish-dry-run">
      <pre className="approval-text publish-plan">{plan}</pre>
      {card !== undefined && (
        <>
          <p className="publish-card-label muted">The card (README.md), written by Looplab from the run</p>
          <pre className="approval-text publish-card" data-testid="publish-card">
            {card}
          </pre>
        </>
      )}
      <p className="approval-note muted">Publishing is asked every time: no rule or “Approve all” approves it.</p>
    </div>
  );
}
