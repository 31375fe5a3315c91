// The fields of each kind of compute target, each with a line of help: how to reach a Docker engine
// (over SSH with the person's keys, or TCP with TLS), a Slurm cluster's login node and how its jobs run,
// and a Kubernetes cluster's kubeconfig, namespace and image.
import { Field } from '../common/field';
import { TextField } from '../common/text-field';
import type { DraftErrors, DraftField, SlurmRuntimeKind, TargetDraft } from './target-drafts';

export interface FieldsProps {
  draft: TargetDraft;
  errors: DraftErrors;
  onChange: (patch: Partial<TargetDraft>) => void;
}

/** A text field of the draft: its value, error and change wired by the draft's key. */
export function DraftText({
  field,
  label,
  placeholder,
  note,
  grow = true,
  draft,
  errors,
  onChange,
}: FieldsProps & { field: DraftField; label: string; placeholder?: string; note?: string; grow?: boolean }) {
  return (
    <TextField
      label={label}
      className={grow ? 'grow' : 'target-field'}
      testId={`target-${field}`}
      placeholder={placeholder}
      note={note}
      value={draft[field]}
      error={errors[field]}
      onChange={(text) => onChange({ [field]: text })}
    />
  );
}

/** A choice among labelled values (a target's kind, a Slurm job's runtime). */
export function LabelSelect<T extends string>({
  label,
  className,
  testId,
  labels,
  value,
  onChange,
}: {
  label: string;
  className: string;
  testId: string;
  labels: Record<T, string>;
  value: T;
  onChange: (value: T) => void;
}) {
  return (
    <Field label={label} className={className}>
      <select
        className="text-input"
        data-testid={testId}
        value={value}
        onChange={(event) => onChange(event.target.value as T)}
      >
        {(Object.keys(labels) as T[]).map((key) => (
          <option key={key} value={key}>
            {labels[key]}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** How Looplab reaches a machine over SSH: the key (else the agent) and where its host key is known. */
function SshFields(props: FieldsProps) {
  return (
    <div className="form-row">
      <DraftText
        {...props}
        field="identityFile"
        label="SSH key"
        placeholder="~/.ssh/id_ed25519"
        note="Your SSH agent when empty"
      />
      <DraftText
        {...props}
        field="knownHosts"
        label="Known hosts"
        placeholder="~/.ssh/known_hosts"
        note="An unknown host is refused"
      />
    </div>
  );
}

export function DockerFields(props: FieldsProps) {
  const tcp = props.draft.host.trim().startsWith('tcp://');
  return (
    <>
      <div className="form-row">
        <DraftText
          {...props}
          field="host"
          label="Address"
          placeholder="ssh://me@gpu-box"
          note="ssh://user@host[:port] with your SSH keys, or tcp://host:2376 with TLS"
        />
        <DraftText
          {...props}
          field="image"
          label="Image"
          placeholder="the run's sandbox image"
          note="Must be on that engine"
        />
      </div>
      {tcp ? (
        <div className="form-row">
          <DraftText {...props} field="tlsCa" label="TLS CA" placeholder="~/.docker/ca.pem" />
          <DraftText {...props} field="tlsCert" label="TLS certificate" placeholder="~/.docker/cert.pem" />
          <DraftText {...props} field="tlsKey" label="TLS key" placeholder="~/.docker/key.pem" />
        </div>
      ) : (
        <SshFields {...props} />
      )}
    </>
  );
}

const runtimeLabels: Record<SlurmRuntimeKind, string> = {
  python: 'Python environment',
  apptainer: 'Apptainer image',
  enroot: 'Enroot / Pyxis image',
  docker: 'Docker image',
};

export function SlurmFields(props: FieldsProps) {
  const { draft, onChange } = props;
  return (
    <>
      <div className="form-row">
        <DraftText
          {...props}
          field="host"
          label="Login node"
          placeholder="ssh://me@login.cluster.edu"
          note="Where sbatch, squeue and sacct run: ssh://user@host[:port]"
        />
      </div>
      <SshFields {...props} />
      <div className="form-row">
        <DraftText {...props} field="partition" label="Partition" placeholder="the default" grow={false} />
        <DraftText {...props} field="account" label="Account" placeholder="the default" grow={false} />
        <DraftText
          {...props}
          field="workdir"
          label="Job folders"
          placeholder="~/.looplab/jobs"
          note="On the shared file system"
        />
      </div>
      <div className="form-row">
        <LabelSelect
          label="Runs jobs in"
          className="target-field"
          testId="target-runtime"
          labels={runtimeLabels}
          value={draft.runtime}
          onChange={(runtime) => onChange({ runtime })}
        />
        {draft.runtime === 'python' ? (
          <DraftText
            {...props}
            field="activate"
            label="Activate with"
            placeholder="source ~/venvs/ml/bin/activate"
            note="The cluster's own Python when empty"
          />
        ) : (
          <DraftText {...props} field="image" label="Image" placeholder="docker://python:3.11" />
        )}
      </div>
    </>
  );
}

export function KubernetesFields(props: FieldsProps) {
  return (
    <>
      <div className="form-row">
        <DraftText
          {...props}
          field="kubeconfig"
          label="Kubeconfig"
          placeholder="~/.kube/config"
          note="KUBECONFIG, else ~/.kube/config, when empty"
        />
        <DraftText {...props} field="context" label="Context" placeholder="its current one" grow={false} />
        <DraftText {...props} field="namespace" label="Namespace" placeholder="default" grow={false} />
      </div>
      <div className="form-row">
        <DraftText
          {...props}
          field="image"
          label="Image"
          placeholder="python:3.11"
          note="Holds Python and what jobs import"
        />
        <DraftText
          {...props}
          field="nodeSelector"
          label="Node labels"
          placeholder="pool=gpu, gpu=a100"
          note="key=value pairs a job's pod must match"
        />
      </div>
    </>
  );
}
