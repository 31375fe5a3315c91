// Beside the start form's model: its stored probe ("Probe 3/4 · 2 Dec", each check's verdict in the
// title, the failed checks named), or "Not probed" with a button that runs the four checks, showing
// which one is running, then the result.
import { probeCheckNames } from '../../../../shared/probe-checks';
import type { ProbeReport } from '../../../../shared/model-probe';
import { formatError } from '../../../../shared/errors';
import type { ModelProbes } from '../../hooks/use-model-probes';

/** "2 Dec", with the year when it is not this one. */
function probeDate(iso: string, now = new Date()): string {
  const date = new Date(iso);
  const sameYear = date.getFullYear() === now.getFullYear();
  return date.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', ...(!sameYear && { year: 'numeric' }) });
}

function probeTitle(report: ProbeReport): string {
  const lines = report.checks.map(
    (check) => `${check.passed ? '✓' : '✗'} ${probeCheckNames[check.id]}: ${check.verdict} (${check.latencyMs} ms)`,
  );
  return [...lines, report.recommendation].join('\n');
}

function ProbeScore({ report }: { report: ProbeReport }) {
  return (
    <span
      className={`probe-score ${report.passed === report.total ? 'probe-passed' : 'probe-failed'}`}
      data-testid="probe-score"
      title={probeTitle(report)}
    >
      Probe {report.passed}/{report.total} · {probeDate(report.probedAt)}
    </span>
  );
}

export function ModelProbeStatus({ model, probes }: { model: string; probes: ModelProbes }) {
  const name = model.trim();
  if (!/^[^/\s]+\/\S+$/.test(name) || probes.list === undefined) return null;
  const progress = probes.running[name];
  if (progress !== undefined) {
    const done = progress?.done ?? 0;
    const step =
      progress?.checking === undefined
        ? 'starting'
        : `check ${done + 1} of ${progress.total}, ${probeCheckNames[progress.checking]}`;
    return (
      <div className="model-status model-probe" data-testid="model-probe" data-state="probing">
        <span>Probing: {step}…</span>
        <progress max={progress?.total ?? 4} value={done} />
      </div>
    );
  }
  const report = probes.list.probes[name];
  const error = probes.errors[name];
  const failed = (report?.checks ?? []).filter((check) => !check.passed).map((check) => probeCheckNames[check.id]);
  return (
    <div className="model-status model-probe" data-testid="model-probe" data-state={report ? 'probed' : 'not-probed'}>
      {report === undefined ? <span className="muted">Not probed</span> : <ProbeScore report={report} />}
      <button
        type="button"
        className="button button-small"
        data-testid="probe-model"
        title="Four short checks: calls a tool, follows a tool result, recovers from a tool error, stops when done"
        onClick={() => void probes.probe(name)}
      >
        {report === undefined ? 'Probe' : 'Probe again'}
      </button>
      {failed.length > 0 && <span className="muted probe-line">fails: {failed.join(', ')}</span>}
      {error !== undefined && (
        <span className="probe-error" data-testid="probe-error">
          {formatError(error)}
        </span>
      )}
      {probes.list.notice !== undefined && <span className="muted probe-line">{probes.list.notice}</span>}
    </div>
  );
}
