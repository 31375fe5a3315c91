// The form that adds or edits a compute target: its kind (a Docker engine over SSH or TLS, a Slurm
// cluster, a Kubernetes cluster), the fields of that kind with a line of help each, what it costs, and
// what is wrong with a field right beside it.
import type { ErrorInfo } from '../../../../shared/errors';
import { ErrorBox } from '../common/error-box';
import { NumberField } from '../common/number-field';
import { gpusRule, kindLabels, pendingRule, rateRule, type DraftErrors, type TargetDraft } from './target-drafts';
import type { NumberRule } from '../../number-text';
import { DockerFields, DraftText, KubernetesFields, LabelSelect, SlurmFields, type FieldsProps } from './target-fields';

export interface TargetFormProps {
  draft: TargetDraft;
  errors: DraftErrors;
  /** Adding a target (its kind can be chosen), rather than editing one. */
  adding: boolean;
  busy: boolean;
  error?: ErrorInfo | undefined;
  onChange: (patch: Partial<TargetDraft>) => void;
  onSave: () => void;
  onCancel: () => void;
}

export function TargetForm({ draft, errors, adding, busy, error, onChange, onSave, onCancel }: TargetFormProps) {
  const props = { draft, errors, onChange };
  return (
    <form
      className="target-form"
      data-testid="target-form"
      aria-label={adding ? 'Add a compute target' : `Edit ${draft.name}`}
      onSubmit={(event) => {
        event.preventDefault();
        onSave();
      }}
    >
      <div className="form-row">
        {adding && (
          <LabelSelect
            label="Kind"
            className="target-kind"
            testId="target-kind"
            labels={kindLabels}
            value={draft.kind}
            onChange={(kind) => onChange({ kind })}
          />
        )}
        <DraftText {...props} field="name" label="Name" placeholder="gpu-box" note="What a job names as its target" />
      </div>
      {draft.kind === 'docker' && <DockerFields {...props} />}
      {draft.kind === 'slurm' && <SlurmFields {...props} />}
      {draft.kind === 'kubernetes' && <KubernetesFields {...props} />}
      <RateFields {...props} />
      {error !== undefined && <ErrorBox error={error} testId="section-error" />}
      <div className="button-row">
        <button type="submit" className="button button-primary" data-testid="target-save" disabled={busy}>
          {busy ? 'Saving…' : adding ? 'Add target' : 'Save target'}
        </button>
        <button type="button" className="button" data-testid="target-cancel" disabled={busy} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** GPUs a GPU job gets there, and what an hour costs: per hour, and per GPU-hour for GPU jobs. */
function RateFields({ draft, errors, onChange }: FieldsProps) {
  const fields: {
    field: 'gpus' | 'costPerHour' | 'costPerGpuHour' | 'maxPendingSeconds';
    label: string;
    rule: NumberRule;
    unit?: string;
    placeholder: string;
  }[] = [
    { field: 'gpus', label: 'GPUs', rule: gpusRule, placeholder: 'all' },
    { field: 'costPerHour', label: 'Cost per hour', rule: rateRule, unit: '$/h', placeholder: 'none' },
    { field: 'costPerGpuHour', label: 'Cost per GPU-hour', rule: rateRule, unit: '$/GPU-h', placeholder: 'none' },
  ];
  if (draft.kind !== 'docker')
    fields.push({
      field: 'maxPendingSeconds',
      label: 'Longest wait to start',
      rule: pendingRule,
      unit: 's',
      placeholder: "the run's budget",
    });
  return (
    <div className="form-row">
      {fields.map(({ field, ...shown }) => (
        <NumberField
          key={field}
          {...shown}
          className="target-number"
          testId={`target-${field}`}
          value={draft[field]}
          error={errors[field]}
          onChange={(text) => onChange({ [field]: text })}
        />
      ))}
    </div>
  );
}
