// The run's sandbox jobs beside its graph: a row per job (state, command, time taken, exit), and for
// the chosen one its metric charts, the tail of its log in colour and the files it wrote.
import { useEffect, useRef, type ReactNode } from 'react';
import { formatDuration } from '../../../../shared/format';
import type { RunJob } from '../../../../shared/run-jobs';
import { useJobLog } from '../../hooks/use-job-log';
import { useNow } from '../../hooks/use-now';
import { AnsiText } from '../common/ansi-text';
import { ArtifactList } from './artifact-list';
import { ErrorBox } from '../common/error-box';
import { LoadingLine } from '../common/loading-line';
import { MetricChart } from './metric-chart';
import { TryItPanel } from '../try/try-it-panel';
import './job-panel.css';
import { JobSupervision } from './job-supervision';

interface JobPanelProps {
  runId: string;
  jobs: readonly RunJob[];
  jobId: string | null;
  onSelectJob: (jobId: string) => void;
  onClose: () => void;
  /** More buttons in the head, before the close button. */
  headExtra?: ReactNode;
}

export function JobPanel({ runId, jobs, jobId, onSelectJob, onClose, headExtra }: JobPanelProps) {
  const job = jobs.find((candidate) => candidate.jobId === jobId) ?? jobs.at(-1);
  return (
    <section className="jobs-panel" data-testid="jobs-panel" aria-label="Jobs">
      <div className="jobs-panel-head">
        <span className="jobs-panel-title">Jobs</span>
        <span className="muted">{jobs.length}</span>
        {headExtra}
        <button type="button" className="link jobs-panel-close" onClick={onClose} aria-label="Close the jobs panel">
          ✕
        </button>
      </div>
      <ul className="job-list">
        {jobs.map((candidate) => (
          <JobRow
            key={candidate.jobId}
            job={candidate}
            selected={candidate === job}
            onSelect={() => onSelectJob(candidate.jobId)}
          />
        ))}
      </ul>
      {job !== undefined && <JobDetail key={job.jobId} runId={runId} job={job} />}
      <TryItPanel runId={runId} />
    </section>
  );
}

/** The graph's button that opens and closes the panel, marked while a job runs. */
export function JobsToggle({
  jobs,
  open,
  onToggle,
}: {
  jobs: readonly RunJob[];
  open: boolean;
  onToggle: (open: boolean) => void;
}) {
  const running = jobs.some((job) => job.state === 'running');
  return (
    <button
      type="button"
      className={open ? 'button jobs-toggle active' : 'button jobs-toggle'}
      aria-pressed={open}
      data-testid="jobs-toggle"
      title={open ? 'Close the jobs panel' : 'Show the run’s jobs: metrics, log and files'}
      onClick={() => onToggle(!open)}
    >
      {running && <span className="live-dot" aria-hidden="true" />}
      Jobs ({jobs.length})
    </button>
  );
}

function stateWord(job: RunJob): string {
  if (job.state === 'running') return 'running';
  return job.exitCode === null ? job.state : `${job.state} · exit ${job.exitCode}`;
}

export function JobRow({ job, selected, onSelect }: { job: RunJob; selected: boolean; onSelect: () => void }) {
  const now = useNow(job.state === 'running' ? 1000 : 60_000);
  const elapsed = formatDuration((job.endedAt ?? Math.max(now, job.startedAt)) - job.startedAt);
  return (
    <li>
      <button
        type="button"
        className={selected ? 'job-row selected' : 'job-row'}
        aria-pressed={selected}
        data-testid="job-row"
        data-job-id={job.jobId}
        data-state={job.state}
        onClick={onSelect}
      >
        <span className={`job-state job-${job.state}`} data-testid="job-state">
          {stateWord(job)}
        </span>
        <span className="job-command mono" title={job.command}>
          {job.command}
        </span>
        <span className="job-elapsed muted mono" data-testid="job-elapsed">
          {job.target === 'local' ? null : (
            <span className="job-target" data-testid="job-target" title={`Runs on the compute target ${job.target}`}>
              {`${job.target} · `}
            </span>
          )}
          {job.gpu ? 'GPU · ' : ''}
          {elapsed}
        </span>
      </button>
    </li>
  );
}

function JobDetail({ runId, job }: { runId: string; job: RunJob }) {
  return (
    <div className="job-detail" data-testid="job-detail" data-job-id={job.jobId}>
      <h3 className="job-section">Metrics</h3>
      {job.series.length === 0 ? (
        <p className="muted job-empty">
          No metrics yet: the job prints them as JSON lines, e.g. {'{"step": 1, "loss": 0.5}'}.
        </p>
      ) : (
        <div className="metric-charts">
          {job.series.map((series, index) => (
            <MetricChart key={series.name} series={series} colorIndex={index} />
          ))}
        </div>
      )}
      <JobSupervision job={job} />
      <h3 className="job-section">Log</h3>
      <JobLog runId={runId} jobId={job.jobId} running={job.state === 'running'} />
      <h3 className="job-section">Artifacts</h3>
      <ArtifactList runId={runId} artifacts={job.artifacts} running={job.state === 'running'} />
    </div>
  );
}

function JobLog({ runId, jobId, running }: { runId: string; jobId: string; running: boolean }) {
  const log = useJobLog(runId, jobId, running);
  const box = useRef<HTMLPreElement>(null);
  const text = log.status === 'ready' ? log.lines.join('\n') : '';
  useEffect(() => {
    const element = box.current;
    if (element !== null) element.scrollTop = element.scrollHeight;
  }, [text]);
  if (log.status === 'loading') return <LoadingLine label="Loading the log…" />;
  if (log.status === 'error') return <ErrorBox error={log.error} />;
  if (log.lines.length === 0) return <p className="muted job-empty">The job has printed nothing yet.</p>;
  return (
    <pre ref={box} className="job-log" data-testid="job-log">
      <AnsiText text={text} />
    </pre>
  );
}
