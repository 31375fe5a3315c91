// A compute target as the person edits it in settings: every field as typed, whatever its kind; read
// back into settings.json's target with the same schema the main process checks, so each wrong field's
// words show beside it before anything is saved.
import { targetSchema, type Target } from '../../../../shared/targets';
import type { NumberRule } from '../../number-text';
import { numberText, readNumbers } from '../../number-text';

export type TargetKind = Target['kind'];
export type SlurmRuntimeKind = 'python' | 'apptainer' | 'enroot' | 'docker';

export interface TargetDraft {
  kind: TargetKind;
  name: string;
  /** ssh://user@host[:port] or tcp://host:port (Docker); the login node (Slurm). */
  host: string;
  identityFile: string;
  knownHosts: string;
  tlsCa: string;
  tlsCert: string;
  tlsKey: string;
  image: string;
  partition: string;
  account: string;
  workdir: string;
  runtime: SlurmRuntimeKind;
  activate: string;
  kubeconfig: string;
  context: string;
  namespace: string;
  /** `key=value` pairs, one a line or separated by commas. */
  nodeSelector: string;
  gpus: string;
  costPerHour: string;
  costPerGpuHour: string;
  maxPendingSeconds: string;
}

export type DraftField = Exclude<keyof TargetDraft, 'kind' | 'runtime'>;
export type DraftErrors = Partial<Record<DraftField, string>>;

export const gpusRule: NumberRule = { whole: true, min: 0, max: 64 };
export const rateRule: NumberRule = { min: 0, max: 10_000 };
export const pendingRule: NumberRule = { whole: true, min: 10, max: 7 * 86_400 };

/** A kind as the add form offers it. */
export const kindLabels: Record<TargetKind, string> = {
  docker: 'Docker engine over SSH or TLS',
  slurm: 'Slurm cluster',
  kubernetes: 'Kubernetes cluster',
};

/** A kind as the list shows it, in a narrow column. */
export const kindNames: Record<TargetKind, string> = {
  docker: 'Docker engine',
  slurm: 'Slurm cluster',
  kubernetes: 'Kubernetes',
};

export function emptyTargetDraft(kind: TargetKind): TargetDraft {
  return {
    kind,
    name: '',
    host: '',
    identityFile: '',
    knownHosts: '',
    tlsCa: '',
    tlsCert: '',
    tlsKey: '',
    image: '',
    partition: '',
    account: '',
    workdir: '',
    runtime: 'python',
    activate: '',
    kubeconfig: '',
    context: '',
    namespace: kind === 'kubernetes' ? 'default' : '',
    nodeSelector: '',
    gpus: '',
    costPerHour: '',
    costPerGpuHour: '',
    maxPendingSeconds: '',
  };
}

export function targetDraft(target: Target): TargetDraft {
  const draft: TargetDraft = {
    ...emptyTargetDraft(target.kind),
    name: target.name,
    gpus: numberText(target.gpus),
    costPerHour: numberText(target.costPerHour),
    costPerGpuHour: numberText(target.costPerGpuHour),
  };
  switch (target.kind) {
    case 'docker':
      return {
        ...draft,
        ...pick(target, ['host', 'identityFile', 'knownHosts', 'image']),
        tlsCa: target.tls?.ca ?? '',
        tlsCert: target.tls?.cert ?? '',
        tlsKey: target.tls?.key ?? '',
      };
    case 'slurm':
      return {
        ...draft,
        ...pick(target, ['host', 'identityFile', 'knownHosts', 'partition', 'account', 'workdir']),
        runtime: target.runtime.kind,
        image: target.runtime.kind === 'python' ? '' : target.runtime.image,
        activate: target.runtime.kind === 'python' ? (target.runtime.activate ?? '') : '',
        maxPendingSeconds: numberText(target.maxPendingSeconds),
      };
    case 'kubernetes':
      return {
        ...draft,
        ...pick(target, ['kubeconfig', 'context', 'namespace', 'image']),
        nodeSelector: Object.entries(target.nodeSelector ?? {})
          .map(([key, value]) => `${key}=${value}`)
          .join('\n'),
        maxPendingSeconds: numberText(target.maxPendingSeconds),
      };
  }
}

function pick<T extends object, K extends keyof T & DraftField>(target: T, keys: readonly K[]): Record<K, string> {
  return Object.fromEntries(keys.map((key) => [key, String(target[key] ?? '')])) as Record<K, string>;
}

/** The fields of a draft that are set, trimmed; empty ones are left out (the schema's defaults apply). */
function texts<K extends DraftField>(draft: TargetDraft, keys: readonly K[]): Partial<Record<K, string>> {
  const set: Partial<Record<K, string>> = {};
  for (const key of keys) if (draft[key].trim() !== '') set[key] = draft[key].trim();
  return set;
}

function nodeSelectorOf(text: string): Record<string, string> | string | undefined {
  const pairs = text
    .split(/[\n,]/)
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '');
  if (pairs.length === 0) return undefined;
  const selector: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) return `"${pair}" is not key=value`;
    selector[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return selector;
}

/** What the draft says, before the schema checks it, and the fields it could not read. */
function shapeOf(draft: TargetDraft, numbers: Record<string, number>): { value: unknown; errors: DraftErrors } {
  const common = { name: draft.name.trim(), kind: draft.kind, ...numbers };
  const ssh = { host: draft.host.trim(), ...texts(draft, ['identityFile', 'knownHosts']) };
  if (draft.kind === 'docker') {
    const tls = texts(draft, ['tlsCa', 'tlsCert', 'tlsKey']);
    const tlsValue =
      Object.keys(tls).length === 0
        ? {}
        : { tls: { ca: tls.tlsCa ?? '', cert: tls.tlsCert ?? '', key: tls.tlsKey ?? '' } };
    return { value: { ...common, ...ssh, ...texts(draft, ['image']), ...tlsValue }, errors: {} };
  }
  if (draft.kind === 'slurm') {
    const activate = draft.activate.trim();
    const runtime =
      draft.runtime === 'python'
        ? { kind: 'python', ...(activate === '' ? {} : { activate }) }
        : { kind: draft.runtime, image: draft.image.trim() };
    return { value: { ...common, ...ssh, ...texts(draft, ['partition', 'account', 'workdir']), runtime }, errors: {} };
  }
  const selector = nodeSelectorOf(draft.nodeSelector);
  const kube = texts(draft, ['kubeconfig', 'context', 'namespace']);
  return {
    value: {
      ...common,
      ...kube,
      image: draft.image.trim(),
      ...(typeof selector === 'object' && { nodeSelector: selector }),
    },
    errors: typeof selector === 'string' ? { nodeSelector: selector } : {},
  };
}

/** The field a schema issue's path points at. */
function fieldOf(path: readonly PropertyKey[]): DraftField {
  const [first, second] = path.map(String);
  if (first === 'tls') return second === 'cert' ? 'tlsCert' : second === 'key' ? 'tlsKey' : 'tlsCa';
  if (first === 'runtime') return second === 'activate' ? 'activate' : 'image';
  return (first ?? 'name') as DraftField;
}

export type TargetRead = { ok: true; target: Target } | { ok: false; errors: DraftErrors };

/** The draft as settings.json's target, or each wrong field's words; `taken` are the other targets' names. */
export function readTarget(draft: TargetDraft, taken: readonly string[]): TargetRead {
  const numbers = readNumbers({
    gpus: { text: draft.gpus, rule: gpusRule },
    costPerHour: { text: draft.costPerHour, rule: rateRule },
    costPerGpuHour: { text: draft.costPerGpuHour, rule: rateRule },
    maxPendingSeconds: { text: draft.kind === 'docker' ? '' : draft.maxPendingSeconds, rule: pendingRule },
  });
  const shape = shapeOf(draft, numbers.ok ? numbers.values : {});
  const errors: DraftErrors = { ...(numbers.ok ? {} : numbers.errors), ...shape.errors };
  const parsed = targetSchema.safeParse(shape.value);
  if (parsed.success && Object.keys(errors).length === 0) {
    if (taken.includes(parsed.data.name)) return { ok: false, errors: { name: `${parsed.data.name} is taken` } };
    return { ok: true, target: parsed.data };
  }
  for (const issue of parsed.success ? [] : parsed.error.issues) {
    const field = fieldOf(issue.path);
    const empty = draft[field].trim() === '' && /^(Too small|Invalid input)/.test(issue.message);
    errors[field] ??= empty ? 'required' : issue.message;
  }
  return { ok: false, errors };
}

/** Money per hour: cents always shown ($0.50, $12.00), finer fractions kept ($0.125). */
function money(value: number): string {
  return `$${Number.isInteger(value * 100) ? value.toFixed(2) : String(value)}`;
}

/** What a target's jobs cost, as the list shows it: `$2.50/hour · $1.20/GPU-hour × 4`, or nothing set. */
export function rateText(target: Pick<Target, 'costPerHour' | 'costPerGpuHour' | 'gpus'>): string {
  const parts: string[] = [];
  if (target.costPerHour !== undefined) parts.push(`${money(target.costPerHour)}/hour`);
  if (target.costPerGpuHour !== undefined)
    parts.push(`${money(target.costPerGpuHour)}/GPU-hour${target.gpus === undefined ? '' : ` × ${target.gpus}`}`);
  return parts.length === 0 ? 'no cost set' : parts.join(' · ');
}
