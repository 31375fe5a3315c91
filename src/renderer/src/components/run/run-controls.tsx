// Stop, Resume, Replay and Export for the open run. Stop shows while a loop drives the run; Resume once
// it is interrupted, stopped or stuck, or waiting with no loop here to answer; Replay (a new run from
// the recording, opened at once, after a confirmation of what it will run where) and Export (a file to
// save) once it has ended; then too Run again (the start form, prefilled) and Save as loop spec. When a call cannot do
// what it says, its error explains why, in place. A run a limit stopped resumes with that limit raised.
import { useContext, useState } from 'react';
import type { ReplayPlan } from '../../../../shared/contract';
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

const resumableStatuses: ReadonlySet<RunStatus> = new Set(['interrupted', 'stopped', 'stalled', 'failed']);

const stopRun = (runId: string) => request('runs.stop', { runId });
const resumeRun = (input: ResumeInput) => request('runs.resume', input);
const planReplay = (runId: string) => request('replays.plan', { runId });
// Grants exactly what the confirmation listed as needed, nothing more.
const replayRun = (plan: ReplayPlan) => request('runs.replay', { runId: plan.runId, allow: plan.needs });
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

export function RunControls({ summary, config, detached, onDetached, onOpenRun }: RunControlsProps) {
  const stop = useAction(stopRun);
  const resume = useAction(resumeRun);
  const planning = useAction(planReplay);
  const replay = useAction(replayRun);
  const [replayPlan, setReplayPlan] = useState<ReplayPlan | undefined>(undefined);
  const save = useAction(exportRun);
  const runAgain = useContext(RunAgainContext);
  const [savingSpec, setSavingSpec] = useState(false);
  const { id, status } = summary;
  const canStop = isLive(status) && !detached;
  const canResume = resumableStatuses.has(status) || (status === 'waiting' && detached);

  async function onStop(): Promise<void> {
    const result = await stop.run(id);
    if (result?.stopped !== false) return;
    onDetached();
    stop.setError(notHere(id));
  }

  const plan = resumePlan(summary, config, summary.updatedAt);

  async function onResume(): Promise<void> {
    stop.setError(null);
    await resume.run(resumePlan(summary, config, Date.now()).input);
  }

  async function onReplay(): Promise<void> {
    setReplayPlan(await planning.run(id));
  }

  async function onConfirmReplay(confirmed: ReplayPlan): Promise<void> {
    const started = await replay.run(confirmed);
    setReplayPlan(undefined);
    if (started !== undefined) onOpenRun?.(started.id);
  }

  const ended = !isLive(status);
  const error = resume.error ?? stop.error ?? planning.error ?? replay.error ?? save.error;
  return (
    <>
      <span className="run-controls">
        {canStop && (
          <button
            type="button"
            className="button button-danger"
            data-testid="stop-run"
            disabled={stop.busy}
            onClick={() => void onStop()}
          >
            {stop.busy ? 'Stopping…' : 'Stop'}
          </button>
        )}
        {canResume && (
          <button
            type="button"
            className="button button-primary"
            data-testid="resume-run"
            disabled={resume.busy}
            onClick={() => void onResume()}
          >
            {resume.busy ? 'Resuming…' : plan.raise === undefined ? 'Resume' : `Resume (${plan.raise})`}
          </button>
        )}
        {ended && summary.steps > 0 && (
          <button
            type="button"
            className="button"
            data-testid="replay-run"
            title="A new run from this one's recorded model turns, its tools run again; stops where a result differs"
            disabled={replay.busy || planning.busy || replayPlan !== undefined}
            onClick={() => void onReplay()}
          >
            {replay.busy ? 'Replaying…' : 'Replay'}
          </button>
        )}
        {ended && (
          <button
            type="button"
            className="button"
            data-testid="run-again"
            title="Start a new run with this one's goal (or loop spec and parameters), changing the model or parameters first"
            onClick={() => runAgain({ parent: id, goal: summary.goal, model: summary.model, spec: config?.spec })}
          >
            Run again
          </button>
        )}
        {ended && (
          <button
            type="button"
            className="button"
            data-testid="save-spec-run"
            title="Save this run as a loop spec: the data it started with, its parameters, rules, budgets and evaluation"
            disabled={savingSpec}
            onClick={() => setSavingSpec(true)}
          >
            Save as loop spec
          </button>
        )}
        {ended && (
          <button
            type="button"
            className="button"
            data-testid="export-run"
            title="Save this run as one file (secrets removed), to import with looplab import"
            disabled={save.busy}
            onClick={() => void save.run(id)}
          >
            {save.busy ? 'Exporting…' : 'Export'}
          </button>
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
      {replayPlan !== undefined && (
        <ReplayConfirm
          plan={replayPlan}
          busy={replay.busy}
          onConfirm={() => void onConfirmReplay(replayPlan)}
          onCancel={() => setReplayPlan(undefined)}
        />
      )}
      {error !== null && (
        <div className="status-error">
          <ErrorBox error={error} testId="control-error" />
        </div>
      )}
    </>
  );
}
