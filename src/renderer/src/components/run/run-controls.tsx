// Stop, Resume, Replay and Export for the open run. Stop shows while a loop drives the run; Resume once
// it is interrupted, stopped or stuck, or waiting with no loop here to answer; Replay (a new run from
// the recording, opened at once, after a confirmation of what it will run where) and Export (a file to
// save) once it has ended; then too Run again (the start form, prefilled) and Save as loop spec. When a call cannot do
// what it says, its error explains why, in place. A run a limit stopped resumes with that limit raised.
import { useContext, useState, type ReactNode } from 'react';
import type { ErrorInfo } from '../../../../shared/errors';
import type { RunStatus } from '../../../../shared/events';
import type { LoopConfig } from '../../../../shared/loop-config';
import type { RunSummary } from '../../../../shared/run-summary';
import { request } from '../../bridge';
import { useAction } from '../../hooks/use-action';
import { saveExport } from '../../export-download';
import { resumePlan, type ResumeInput } from '../../resume-limits';
import { isLive } from '../../run-activity';
import { ErrorBox } from '../common/error-box';
import { ReplayConfirm } from './replay-confirm';
import { RunAgainContext } from '../../run-again';
import { SaveSpecDialog } from './save-spec-dialog';
import { useReplay } from './use-replay';

const resumableStatuses: ReadonlySet<RunStatus> = new Set(['interrupted', 'stopped', 'stalled', 'failed']);

const stopRun = (runId: string) => request('runs.stop', { runId });
const resumeRun = (input: ResumeInput) => request('runs.resume', input);
const exportRun = async (runId: string) => saveExport(await request('runs.export', { runId }));

function notHere(runId: string): ErrorInfo {
  return {
    code: 'conflict',
    message: `${runId} has no loop in this Looplab to stop.`,
    hint: 'If `looplab run` drives it in a terminal, stop it there with Ctrl+C. Resume picks it up here.',
  };
}

interface RunControlsProps {
  summary: RunSummary;
  config: LoopConfig | undefined;
  /** Set once this Looplab found it holds no loop for the run (a stop or an approval said so). */
  detached: boolean;
  onDetached: () => void;
  /** Opens another run (the replay just started). */
  onOpenRun?: (runId: string) => void;
}

interface ControlButtonProps {
  testId: string;
  kind?: 'primary' | 'danger';
  title?: string;
  disabled?: boolean;
  onClick: () => void;
  children: ReactNode;
}

function ControlButton({ testId, kind, title, disabled, onClick, children }: ControlButtonProps) {
  return (
    <button
      type="button"
      className={kind === undefined ? 'button' : `button button-${kind}`}
      data-testid={testId}
      title={title}
      disabled={disabled}
      onClick={onClick}
    >
      {children}
    </button>
  );
}

/** Stop while a loop here drives the run; resume (with a limit that stopped it raised) once it cannot go on. */
function useStopResume({ summary, config, detached, onDetached }: RunControlsProps) {
  const stop = useAction(stopRun);
  const resume = useAction(resumeRun);
  const { id, status } = summary;

  async function onStop(): Promise<void> {
    const result = await stop.run(id);
    if (result?.stopped !== false) return;
    onDetached();
    stop.setError(notHere(id));
  }

  async function onResume(): Promise<void> {
    stop.setError(null);
    await resume.run(resumePlan(summary, config, Date.now()).input);
  }

  return {
    canStop: isLive(status) && !detached,
    canResume: resumableStatuses.has(status) || (status === 'waiting' && detached),
    raise: resumePlan(summary, config, summary.updatedAt).raise,
    stopping: stop.busy,
    resuming: resume.busy,
    onStop,
    onResume,
    error: resume.error ?? stop.error,
  };
}

/** Stop and Resume, each shown only when it can do what it says. */
function DriveButtons({ driving }: { driving: ReturnType<typeof useStopResume> }) {
  return (
    <>
      {driving.canStop && (
        <ControlButton
          testId="stop-run"
          kind="danger"
          disabled={driving.stopping}
          onClick={() => void driving.onStop()}
        >
          {driving.stopping ? 'Stopping…' : 'Stop'}
        </ControlButton>
      )}
      {driving.canResume && (
        <ControlButton
          testId="resume-run"
          kind="primary"
          disabled={driving.resuming}
          onClick={() => void driving.onResume()}
        >
          {driving.resuming ? 'Resuming…' : driving.raise === undefined ? 'Resume' : `Resume (${driving.raise})`}
        </ControlButton>
      )}
    </>
  );
}

export function RunControls(props: RunControlsProps) {
  const { summary, config, onOpenRun } = props;
  const driving = useStopResume(props);
  const replay = useReplay(summary.id, onOpenRun);
  const save = useAction(exportRun);
  const runAgain = useContext(RunAgainContext);
  const [savingSpec, setSavingSpec] = useState(false);
  const { id, status } = summary;
  const ended = !isLive(status);
  const error = driving.error ?? replay.error ?? save.error;
  return (
    <>
      <span className="run-controls">
        <DriveButtons driving={driving} />
        {ended && summary.steps > 0 && (
          <ControlButton
            testId="replay-run"
            title="A new run from this one's recorded model turns, its tools run again; stops where a result differs"
            disabled={replay.pending}
            onClick={() => void replay.ask()}
          >
            {replay.busy ? 'Replaying…' : 'Replay'}
          </ControlButton>
        )}
        {ended && (
          <EndedControls
            onRunAgain={() => runAgain({ parent: id, goal: summary.goal, model: summary.model, spec: config?.spec })}
            savingSpec={savingSpec}
            onSaveSpec={() => setSavingSpec(true)}
            exporting={save.busy}
            onExport={() => void save.run(id)}
          />
        )}
      </span>
      {savingSpec && (
        <SaveSpecDialog
          runId={id}
          suggested={config?.spec?.name === undefined ? '' : `${config.spec.name}-again`}
          onClose={() => setSavingSpec(false)}
          onOpenLauncher={(saved) => {
            setSavingSpec(false);
            runAgain({ parent: id, goal: summary.goal, model: summary.model, spec: { name: saved.name, params: {} } });
          }}
        />
      )}
      {replay.plan !== undefined && (
        <ReplayConfirm plan={replay.plan} busy={replay.busy} onConfirm={replay.confirm} onCancel={replay.cancel} />
      )}
      {error !== null && (
        <div className="status-error">
          <ErrorBox error={error} testId="control-error" />
        </div>
      )}
    </>
  );
}

interface EndedControlsProps {
  onRunAgain: () => void;
  savingSpec: boolean;
  onSaveSpec: () => void;
  exporting: boolean;
  onExport: () => void;
}

/** What an ended run offers besides a replay: run it again, save it as a loop spec, export it. */
function EndedControls({ onRunAgain, savingSpec, onSaveSpec, exporting, onExport }: EndedControlsProps) {
  return (
    <>
      <ControlButton
        testId="run-again"
        title="Start a new run with this one's goal (or loop spec and parameters), changing the model or parameters first"
        onClick={onRunAgain}
      >
        Run again
      </ControlButton>
      <ControlButton
        testId="save-spec-run"
        title="Save this run as a loop spec: the data it started with, its parameters, rules, budgets and evaluation"
        disabled={savingSpec}
        onClick={onSaveSpec}
      >
        Save as loop spec
      </ControlButton>
      <ControlButton
        testId="export-run"
        title="Save this run as one file (secrets removed), to import with looplab import"
        disabled={exporting}
        onClick={onExport}
      >
        {exporting ? 'Exporting…' : 'Export'}
      </ControlButton>
    </>
  );
}
