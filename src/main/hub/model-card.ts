// The README.md a publish writes: a card in the Hub's conventions (YAML front matter with `base_model`,
// `datasets`, `library_name`, `tags`, and for a model `metrics` and `model-index` results, which the
// Hub shows on the repo's page), then the run's record in words: base model, data with sha256 and row
// counts, training commands, the harness's evaluations, the files, and how to replay the run.
import { stringify } from 'yaml';
import { formatBytes } from '../../shared/format';
import type { DataFact, EvaluationFact, RunFacts } from './model-card-facts';

export type PublishKind = 'model' | 'dataset';

export interface CardInput {
  kind: PublishKind;
  repo: string;
  facts: RunFacts;
  /** The Hub id of the model trained from, and where Looplab read it. */
  baseModel?: { id: string; source: string };
  /** `peft` for an adapter, `transformers` for a full model, where the files say. */
  libraryName?: string;
  /** The files published, by their path in the repo (the card itself is not among them). */
  files: readonly { path: string; bytes: number }[];
  version: string;
  /** The run's export attached to the repo, by its path there. */
  runExport?: string;
  /** A dataset's tables, by their path in the repo, for the Hub's viewer. */
  dataFiles?: readonly string[];
}

const code = (value: string) => `\`${value.replaceAll('`', "'")}\``;
const cell = (value: string) => value.replaceAll('|', '\\|').replaceAll('\n', ' ');
const number = (value: number) => String(Number(value.toPrecision(6)));

/** The newest evaluation of each metric: the one the model-index reports. */
function latestByMetric(evaluations: readonly EvaluationFact[]): EvaluationFact[] {
  const latest = new Map<string, EvaluationFact>();
  for (const evaluation of evaluations) latest.set(evaluation.metric, evaluation);
  return [...latest.values()];
}

function frontMatter(input: CardInput): Record<string, unknown> {
  const { facts, kind } = input;
  const datasets = facts.fetched.dataset;
  const matter: Record<string, unknown> = {};
  if (kind === 'model' && input.baseModel !== undefined) matter.base_model = input.baseModel.id;
  if (kind === 'model' && datasets.length > 0) matter.datasets = datasets;
  if (kind === 'model' && input.libraryName !== undefined) matter.library_name = input.libraryName;
  matter.tags = ['looplab'];
  if (kind === 'dataset' && (input.dataFiles?.length ?? 0) > 0)
    matter.configs = [{ config_name: 'default', data_files: [...input.dataFiles!] }];
  const latest = latestByMetric(facts.evaluations);
  if (kind === 'model' && latest.length > 0) {
    matter.metrics = latest.map((evaluation) => evaluation.metric);
    matter['model-index'] = [
      {
        name: input.repo,
        results: latest.map((evaluation) => ({
          task: { type: 'other' },
          dataset: {
            name: evaluation.heldOut ? 'held-out data (never shown to the agent)' : 'evaluation data',
            type: 'local',
          },
          metrics: [{ type: evaluation.metric, value: evaluation.value, name: evaluation.metric, verified: false }],
        })),
      },
    ];
  }
  return matter;
}

function dataSection(data: readonly DataFact[]): string[] {
  if (data.length === 0) return ['No data file was inspected in the run.'];
  return [
    '| File | Rows | Size | SHA-256 |',
    '| --- | --- | --- | --- |',
    ...data.map(
      (fact) =>
        `| ${cell(fact.path)} | ${fact.rows?.toLocaleString('en-US') ?? '—'} | ${fact.bytes === undefined ? '—' : formatBytes(fact.bytes)} | ${fact.sha256 === undefined ? 'no longer in the workspace' : code(fact.sha256)} |`,
    ),
  ];
}

function trainingSection(facts: RunFacts): string[] {
  if (facts.training.length === 0) return ['The run started no job.'];
  return facts.training.flatMap((job, index) => [
    `Job ${index + 1} (${job.gpu ? 'GPU' : 'CPU'}, ${job.status ?? 'did not end in the run'}):`,
    '',
    '```bash',
    job.command,
    '```',
    '',
  ]);
}

function evaluationSection(evaluations: readonly EvaluationFact[]): string[] {
  if (evaluations.length === 0) return ['The run recorded no evaluation.'];
  return [
    "Computed by Looplab's harness, not reported by the agent.",
    '',
    '| Metric | Value | Target | Baseline | Held out | Attempt |',
    '| --- | --- | --- | --- | --- | --- |',
    ...evaluations.map((evaluation) => {
      const baseline = evaluation.baseline;
      return `| ${cell(evaluation.metric)} (${evaluation.better} is better) | ${number(evaluation.value)} | ${evaluation.target === undefined ? '—' : number(evaluation.target)} | ${baseline === undefined ? '—' : `${cell(baseline.label)}: ${number(baseline.value)}`} | ${evaluation.heldOut ? 'yes' : 'no'} | ${evaluation.attempt ?? '—'} |`;
    }),
  ];
}

function filesSection(files: CardInput['files']): string[] {
  return [
    '| File | Size |',
    '| --- | --- |',
    ...files.map((file) => `| ${cell(file.path)} | ${formatBytes(file.bytes)} |`),
  ];
}

function reproduceSection(input: CardInput): string[] {
  if (input.runExport === undefined)
    return [`The run's record stays with whoever ran it: \`looplab export ${input.facts.runId}\` writes it.`];
  return [
    `The run's record is attached as ${code(input.runExport)} (secrets removed). To see every step and replay it:`,
    '',
    '```bash',
    `looplab import ${input.runExport}`,
    `looplab replay ${input.facts.runId}`,
    '```',
  ];
}

/** A section: its heading, its lines, and a blank line after (a code block ends with its own). */
function section(title: string, body: readonly string[]): string[] {
  return [`## ${title}`, '', ...body, ...(body.at(-1) === '' ? [] : [''])];
}

/** The card's text, exactly as it is committed. */
export function renderCard(input: CardInput): string {
  const { facts } = input;
  const base = input.baseModel;
  const lines = [
    '---',
    stringify(frontMatter(input), { lineWidth: 0 }).trimEnd(),
    '---',
    '',
    `# ${input.repo}`,
    '',
    `Made by the Looplab run ${code(facts.runId)} (Looplab ${input.version}). Looplab wrote this card from the run's record; the agent did not.`,
    '',
    ...(facts.goal === '' ? [] : [`Goal: ${facts.goal.split('\n')[0]!.slice(0, 500)}`, '']),
    ...(input.kind === 'model'
      ? section('Base model', [
          base === undefined ? 'Not recorded in the run.' : `${code(base.id)} (read from ${base.source})`,
        ])
      : []),
    ...section('Data', dataSection(facts.data)),
    ...section('Training', trainingSection(facts)),
    ...section('Evaluation', evaluationSection(facts.evaluations)),
    ...section('Files', filesSection(input.files)),
    ...section('Reproduce', reproduceSection(input)),
  ];
  return lines.join('\n');
}
