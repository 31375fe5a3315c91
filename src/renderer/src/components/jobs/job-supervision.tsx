// What watches a job and what they saw: its progress and time left, the watches set on it (and whether
// it resumes by itself), each watch that fired, and each time it ran again from a checkpoint.
import { formatDuration, formatRelative } from '../../../../shared/format';
import { describeWatch } from '../../../../shared/job-watches';
import type { RunJob } from '../../../../shared/run-jobs';
import { useNow } from '../../hooks/use-now';

export function JobSupervision({ job }: { job: RunJob }) {
  const now = useNow();
  const { progress, watches, fired, resumes } = job;
  if (progress === undefined && watches.length === 0 && fired.length === 0 && resumes.length === 0) return null;
  return (
    <>
      <h3 className="job-section">Supervision</h3>
      <ul className="job-supervision" data-testid="job-supervision">
        {progress !== undefined && job.state === 'running' && (
          <li data-testid="job-progress">
            {progress.done}/{progress.total} · about {formatDuration(progress.etaSeconds * 1000)} left
          </li>
        )}
        {watches.length > 0 && (
          <li className="muted" data-testid="job-watches">
            Watching: {watches.map(describeWatch).join('; ')}
            {job.resume === 'auto' ? ' · resumes by itself when killed' : ''}
          </li>
        )}
        {fired.map((item) => (
          <li key={item.seq} className="job-watch-fired" data-testid="job-watch-fired">
            {item.message}
            {item.step === undefined ? '' : ` at step ${item.step}`} · {formatRelative(item.time, now)}
          </li>
        ))}
        {resumes.map((item) => (
          <li key={item.seq} data-testid="job-resumed">
            resumed from {item.checkpoint}
            {item.auto ? ' (by itself)' : ''}
          </li>
        ))}
      </ul>
    </>
  );
}
