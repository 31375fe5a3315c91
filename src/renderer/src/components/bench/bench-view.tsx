// The bench view: the benches run in this data folder on the left, newest first, and the one picked on
// the right (its leaderboard, chart and task-by-model table). With no bench yet it says how to run one.
import { useNow } from '../../hooks/use-now';
import { useRequest } from '../../hooks/use-request';
import { ErrorBox } from '../common/error-box';
import { LoadingLine } from '../common/loading-line';
import { BenchDetail } from './bench-detail';
import { BenchList } from './bench-list';
import './bench.css';

interface BenchViewProps {
  /** The bench picked, or null for the newest. */
  benchId: string | null;
  onPick: (benchId: string) => void;
  onOpenRun: (runId: string) => void;
  onClose: () => void;
}

export function BenchView({ benchId, onPick, onOpenRun, onClose }: BenchViewProps) {
  const { value, retry } = useRequest('benches.list', {});
  const now = useNow();
  const benches = value.status === 'ready' ? value.value : [];
  const shown = benches.find((bench) => bench.id === benchId) ?? benches[0];
  return (
    <div className="bench-view" data-testid="bench-view">
      <section className="bench-side" aria-label="Benches">
        <div className="bench-head">
          <h2 className="bench-title">Benches</h2>
          <button type="button" className="button" data-testid="close-bench" onClick={onClose}>
            Back to runs
          </button>
        </div>
        {value.status === 'loading' && <LoadingLine label="Reading the benches…" />}
        {value.status === 'error' && <ErrorBox error={value.error} onRetry={retry} />}
        {value.status === 'ready' && benches.length === 0 && <p className="muted bench-none">None yet.</p>}
        {value.status === 'ready' && benches.length > 0 && (
          <BenchList benches={benches} selectedId={shown?.id ?? null} now={now} onPick={onPick} />
        )}
      </section>
      <section className="bench-main" aria-label="Bench">
        {value.status === 'ready' && shown === undefined && <NoBenches />}
        {shown !== undefined && <BenchDetail key={shown.id} benchId={shown.id} onOpenRun={onOpenRun} />}
      </section>
    </div>
  );
}

function NoBenches() {
  return (
    <div className="empty-state bench-empty" data-testid="bench-empty">
      <p className="empty-title">No benches in this data folder yet.</p>
      <p className="muted">
        A bench runs a suite of offline ML tasks with the models you name, each as an ordinary run, grades every run on
        held-out data the agent never sees and gives it a medal. Run one from a terminal:
      </p>
      <pre className="bench-command">looplab bench --model ollama/qwen2.5-coder:7b</pre>
      <p className="muted">
        Name <code>--model</code> once per model to compare them. To see what gold and no medal look like without a
        model server, run the scripted agents, which play each task's reference solutions:
      </p>
      <pre className="bench-command">looplab bench --model scripted/oracle --model scripted/weak</pre>
      <p className="muted">The bench shows up here, with a link to every run.</p>
    </div>
  );
}
