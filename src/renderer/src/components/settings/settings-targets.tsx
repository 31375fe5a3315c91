// Where jobs run: this machine's Docker engine, then each target of settings.json with its kind, address
// and cost; one added, edited or removed here is saved at once, and each can be tested in place.
import type { ReactNode } from 'react';
import { LOCAL_TARGET, targetAddress, type Target } from '../../../../shared/targets';
import { TargetCheckView, type CheckState } from './target-check-view';
import { emptyTargetDraft, kindNames, rateText, targetDraft } from './target-drafts';
import { TargetForm } from './target-form';
import { Section, type SectionProps } from './settings-section';
import { useTargets, type TargetsState } from './use-targets';
import './settings-targets.css';

export function TargetsSection({ view, save }: SectionProps) {
  const targets = view.settings.targets ?? [];
  const state = useTargets(targets, save);
  const { section, editing, setEditing, checks, test, saveDraft } = state;

  const form = (index: number | 'new') =>
    editing?.index === index && (
      <TargetForm
        draft={editing.draft}
        errors={editing.errors}
        adding={index === 'new'}
        busy={section.busy}
        error={section.error}
        onChange={(patch) => setEditing({ ...editing, draft: { ...editing.draft, ...patch } })}
        onSave={() => void saveDraft()}
        onCancel={() => setEditing(undefined)}
      />
    );

  return (
    <Section title="Compute targets" testId="settings-targets">
      <p className="muted">
        Where jobs run: this machine, or a Docker engine on another machine, a Slurm cluster or a Kubernetes cluster. A
        job goes to the target its run or spec names; its time there counts in the run&apos;s cost at the rates set
        here.
      </p>
      <ul className="target-list">
        <TargetRow
          name={LOCAL_TARGET}
          kind="Docker engine"
          address="this machine"
          rate=""
          check={checks[LOCAL_TARGET]}
          onTest={() => void test(LOCAL_TARGET)}
        />
        {targets.map((target, index) => (
          <SavedTarget key={target.name} target={target} index={index} state={state} form={form(index)} />
        ))}
      </ul>
      {targets.length === 0 && editing === undefined && (
        <p className="muted" data-testid="targets-empty">
          No other targets yet: jobs run on this machine.
        </p>
      )}
      <TargetsFooter
        adding={editing?.index === 'new' ? form('new') : undefined}
        canAdd={editing === undefined}
        saved={section.saved && editing === undefined}
        onAdd={() => setEditing({ index: 'new', draft: emptyTargetDraft('docker'), errors: {} })}
      />
    </Section>
  );
}

/** A target of settings.json: its row with Test, Edit and Remove, or its form while it is edited. */
function SavedTarget(props: { target: Target; index: number; state: TargetsState; form: ReactNode }) {
  const { target, index, state, form } = props;
  if (state.editing?.index === index) return <li className="target-item editing">{form}</li>;
  return (
    <TargetRow
      name={target.name}
      kind={kindNames[target.kind]}
      address={targetAddress(target)}
      rate={rateText(target)}
      check={state.checks[target.name]}
      onTest={() => void state.test(target.name)}
      actions={
        <TargetActions
          target={target}
          confirming={state.removing === target.name}
          busy={state.section.busy}
          onEdit={() => state.setEditing({ index, draft: targetDraft(target), errors: {} })}
          onRemove={() => state.setRemoving(target.name)}
          onConfirm={() => void state.remove(target.name)}
          onKeep={() => state.setRemoving(undefined)}
        />
      }
    />
  );
}

/** The form of a new target, or the button that opens it; "Saved" once a change is in settings.json. */
function TargetsFooter(props: { adding: ReactNode; canAdd: boolean; saved: boolean; onAdd: () => void }) {
  return (
    <>
      {props.adding ?? (
        <button
          type="button"
          className="button"
          data-testid="target-add"
          disabled={!props.canAdd}
          onClick={props.onAdd}
        >
          Add a target
        </button>
      )}
      {props.saved && (
        <span className="muted" data-testid="saved">
          Saved
        </span>
      )}
    </>
  );
}

interface TargetRowProps {
  name: string;
  kind: string;
  address: string;
  rate: string;
  check: CheckState | undefined;
  onTest: () => void;
  actions?: ReactNode;
}

function TargetRow({ name, kind, address, rate, check, onTest, actions }: TargetRowProps) {
  return (
    <li className="target-item" data-testid="target" data-name={name}>
      <div className="target-line">
        <span className="target-name mono" data-testid="target-row-name">
          {name}
        </span>
        <span className="target-kind-label muted">{kind}</span>
        <span className="target-address mono" data-testid="target-row-address" title={address}>
          {address}
        </span>
        <span className="target-rate muted" data-testid="target-rate">
          {rate}
        </span>
        <span className="target-actions">
          <button
            type="button"
            className="button"
            data-testid="target-test"
            disabled={check?.status === 'busy'}
            onClick={onTest}
          >
            Test
          </button>
          {actions}
        </span>
      </div>
      {check !== undefined && <TargetCheckView state={check} />}
    </li>
  );
}

interface TargetActionsProps {
  target: Target;
  confirming: boolean;
  busy: boolean;
  onEdit: () => void;
  onRemove: () => void;
  onConfirm: () => void;
  onKeep: () => void;
}

function TargetActions({ target, confirming, busy, onEdit, onRemove, onConfirm, onKeep }: TargetActionsProps) {
  if (confirming)
    return (
      <span className="target-confirm" role="group" aria-label={`Remove ${target.name}?`}>
        <span>Remove {target.name}?</span>
        <button
          type="button"
          className="button button-danger"
          data-testid="target-remove-confirm"
          disabled={busy}
          onClick={onConfirm}
        >
          Remove
        </button>
        <button type="button" className="button" data-testid="target-remove-keep" onClick={onKeep}>
          Keep
        </button>
      </span>
    );
  return (
    <>
      <button type="button" className="button" data-testid="target-edit" onClick={onEdit}>
        Edit
      </button>
      <button type="button" className="button" data-testid="target-remove" onClick={onRemove}>
        Remove
      </button>
    </>
  );
}
