// The agent's plan as it last wrote it: each item with a mark for pending, in progress or done.
import type { RunState } from '../../../../shared/run-state';

const planMarks = { pending: '○', in_progress: '◐', done: '●' } as const;

export function PlanList({ plan }: { plan: RunState['plan'] }) {
  if (plan.length === 0) return null;
  const done = plan.filter((item) => item.status === 'done').length;
  return (
    <div className="plan-line">
      <span className="muted">
        Plan {done}/{plan.length}
      </span>
      <ol className="plan" aria-label="Plan">
        {plan.map((item, index) => (
          <li key={index} className={`plan-item plan-${item.status}`}>
            <span className="plan-mark" aria-label={item.status.replace('_', ' ')}>
              {planMarks[item.status]}
            </span>
            {item.text}
          </li>
        ))}
      </ol>
    </div>
  );
}
