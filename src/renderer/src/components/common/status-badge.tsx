// A run's status as a coloured word.
import type { RunStatus } from '../../../../shared/events';

interface StatusBadgeProps {
  status: RunStatus;
  testId?: string;
}

export function StatusBadge({ status, testId }: StatusBadgeProps) {
  return (
    <span className={`status-badge status-${status}`} data-testid={testId}>
      {status}
    </span>
  );
}
