// Where jobs run: this machine's Docker engine, then each target of settings.json with its kind, address
// and cost; one added, edited or removed here is saved at once, and each can be tested in place.
import { useState, type ReactNode } from 'react';
import { LOCAL_TARGET, targetAddress, type Target } from '../../../../shared/targets';
import { request } from '../../bridge';
import { toErrorInfo } from '../../error-info';
import { TargetCheckView, type CheckState } from './target-check-view';
import {
  emptyTargetDraft,
  kindNames,
  rateText,
  readTarget,
  targetDraft,
  type DraftErrors,
  type TargetDraft,
} from './target-drafts';
import { TargetForm } from './target-form';
import { Section, useSectionSave, type SectionProps } from './settings-section';
import './settings-targets.css';

/** What is open: nothing, the form for a new target, or the form for the target at `index`. */
type Editing = { index: number | 'new'; draft: TargetDraft; errors: DraftErrors } | undefined;

export function TargetsSection({ view, save }: SectionProps) {
  const targets = view.settings.targets ?? [];
  const section = useSectionSave(save);
  const [editing, setEditing] = useState<Editing>(undefined);
  const [checks, setChecks] = useState<Record<string, CheckState>>({});
  const [removing, setRemoving] = useState<string | undefined>(undefined);

  async function test(name: string): Promise<void> {
    setChecks((all) => ({ ...all, [name]: { status: 'busy' } }));
    try {
      const check = await request('targets.check', { name });
      setChecks((all) => ({ ...all, [name]: { status: 'done', check } }));
    } catch (failure) {
      setChecks((all) => ({ ...all, [name]: { status: 'failed', error: toErrorInfo(failure) } }));
    }
  }

  const forget = (name: string) => setChecks(({ [name]: _dropped, ...rest }) => rest);

  async function saveDraft(): Promise<void> {
    if (editing === undefined) return;
    const others = targets.filter((_, at) => at !== editing.index).map((target) => target.name);
    const read = readTarget(editing.draft, others);
    if (!read.ok) return setEditing({ ...editing, errors: read.errors });
    const next =
      editing.index === 'new'
        ? [...targets, read.target]
        : targets.map((target, at) => (at === editing.index ? read.target : target));
    if (await section.run({ targets: next })) {
      if (editing.index !== 'new') forget(targets[editing.index]!.name);
      setEditing(undefined);
    }
  }

  async function remove(name: string): Promise<void> {
    if (await section.run({ targets: targets.filter((target) => target.name !== name) })) {
      forget(name);
      setRemoving(undefined);
    }
  }

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
        {targets.map((target, index) =>
          editing?.index === index ? (
            <li key={target.name} className="target-item editing">
              {form(index)}
            </li>
          ) : (
            <TargetRow
              key={target.name}
              name={target.name}
              kind={kindNames[target.kind]}
              address={targetAddress(target)}
              rate={rateText(target)}
              check={checks[target.name]}
              onTest={() => void test(target.name)}
              actions={
                <TargetActions
                  target={target}
                  confirming={removing === target.name}
                  busy={section.busy}
                  onEdit={() => setEditing({ index, draft: targetDraft(target), errors: {} })}
                  onRemove={() => setRemoving(target.name)}
                  onConfirm={() => void remove(target.name)}
                  onKeep={() => setRemoving(undefined)}
                />
              }
            />
          ),
        )}
      </ul>
      {targets.length === 0 && editing === undefined && (
        <p className="muted" data-testid="targets-empty">
          No other targets yet: jobs run on this machine.
        </p>
      )}
      {editing?.index === 'new' ? (
        form('new')
      ) : (
        <button
          type="button"
          className="button"
          data-testid="target-add"
          disabled={editing !== undefined}
          onClick={() => setEditing({ index: 'new', draft: emptyTargetDraft('docker'), errors: {} })}
        >
          Add a target
        </button>
      )}
      {section.saved && editing === undefined && (
        <span className="muted" data-testid="saved">
          Saved
        </span>
      )}
    </Section>
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
