// "Fork from here" for the selected step: a new run with the conversation and the workspace files as
// they were at that step, going on with a new message or another model; at an approval, with the
// other answer. Opens the new run once it has started. The model is the default one in Settings unless the
// person picks another (fork-model-field.tsx).
import { useState, type FormEvent } from 'react';
import type { RequestInput } from '../../../../shared/contract';
import type { GraphNode } from '../../../../shared/run-graph';
import { request } from '../../bridge';
import { useAction } from '../../hooks/use-action';
import { ErrorBox } from '../common/error-box';
import { ForkModelField, useForkModelChoices } from './fork-model-field';

type ForkInput = RequestInput<'runs.fork'>;

const forkRun = (input: ForkInput) => request('runs.fork', input);

interface ForkFormProps {
  runId: string;
  node: GraphNode;
  onForked: (runId: string) => void;
  /** The model the run was recorded with (a recording's scripted model cannot go on live). */
  parentModel?: string | undefined;
}

/** The event a fork of this node starts from, and the decision it changes (for an approval). */
export function forkTarget(node: GraphNode): { seq: number; decision?: 'approved' | 'rejected' } | undefined {
  if (node.kind === 'parent') return undefined;
  if (node.kind === 'approval') {
    const seq = node.seqs[0];
    if (seq === undefined) return undefined;
    return { seq, decision: node.status === 'done' ? 'rejected' : 'approved' };
  }
  const seq = node.seqs.at(-1);
  return seq === undefined ? undefined : { seq };
}

export function ForkForm({ runId, node, onForked, parentModel }: ForkFormProps) {
  const [open, setOpen] = useState(false);
  if (!open) {
    if (forkTarget(node) === undefined) return null;
    return (
      <div className="fork-form">
        <button type="button" className="button" data-testid="fork-open" onClick={() => setOpen(true)}>
          Fork from here
        </button>
      </div>
    );
  }
  return (
    <OpenForkForm
      runId={runId}
      node={node}
      onForked={onForked}
      parentModel={parentModel}
      onCancel={() => setOpen(false)}
    />
  );
}

type ForkTarget = NonNullable<ReturnType<typeof forkTarget>>;

/** The fork request: the message goes with a plain step, the feedback with a rejection. */
function forkInput(
  runId: string,
  target: ForkTarget,
  typed: { message: string; feedback: string; model: string | undefined },
): ForkInput {
  const message = typed.message.trim();
  const feedback = typed.feedback.trim();
  return {
    runId,
    seq: target.seq,
    ...(target.decision === undefined ? {} : { decision: target.decision }),
    ...(target.decision === 'rejected' && feedback !== '' ? { feedback } : {}),
    ...(target.decision === undefined && message !== '' ? { message } : {}),
    ...(typed.model === undefined ? {} : { model: typed.model }),
  };
}

/** The model a fork is started with: the one given, else the Settings model; none (the parent's) when empty. */
export function forkModel(typed: string | undefined, settingsModel: string): string | undefined {
  const model = (typed ?? settingsModel).trim();
  return model === '' ? undefined : model;
}

function OpenForkForm({ runId, node, onForked, parentModel, onCancel }: ForkFormProps & { onCancel: () => void }) {
  const [message, setMessage] = useState('');
  const [model, setModel] = useState<string | undefined>(undefined);
  const choices = useForkModelChoices(parentModel);
  const [feedback, setFeedback] = useState('');
  const fork = useAction(forkRun);
  const target = forkTarget(node);
  if (target === undefined) return null;

  async function onSubmit(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (target === undefined) return;
    const forked = await fork.run(
      forkInput(runId, target, { message, feedback, model: forkModel(model, choices.initial) }),
    );
    if (forked !== undefined) onForked(forked.id);
  }

  return (
    <form className="fork-form" data-testid="fork-form" onSubmit={(event) => void onSubmit(event)}>
      <p className="muted">
        A new run from event #{target.seq}: this conversation and the workspace files as they were there.
        {target.decision !== undefined && ` This call is then ${target.decision}.`}
      </p>
      {target.decision === undefined ? (
        <label>
          Message to the model (optional)
          <textarea
            data-testid="fork-message"
            rows={3}
            value={message}
            onChange={(event) => setMessage(event.target.value)}
          />
        </label>
      ) : (
        target.decision === 'rejected' && (
          <label>
            Why (optional)
            <input data-testid="fork-feedback" value={feedback} onChange={(event) => setFeedback(event.target.value)} />
          </label>
        )
      )}
      <ForkModelField value={model} onChange={setModel} parentModel={parentModel} choices={choices} />
      <div className="fork-form-buttons">
        <button type="submit" className="button button-primary" data-testid="fork-submit" disabled={fork.busy}>
          {fork.busy ? 'Forking…' : target.decision === undefined ? 'Start the fork' : `Fork: ${target.decision}`}
        </button>
        <button type="button" className="button" onClick={onCancel} disabled={fork.busy}>
          Cancel
        </button>
      </div>
      {fork.error !== null && <ErrorBox error={fork.error} />}
    </form>
  );
}
