// The Hub's answers as compact text for the model: one or two lines per hit, the facts that decide
// a choice (task, library, license, gated, size, parameters, splits) first.
import { formatBytes as bytes, formatCompact, oneLine } from '../../shared/format';
import type { DatasetDetails, DatasetInfoBlock, FileEntry, ModelDetails, Paper } from './hub-schemas';

const FILES_SHOWN = 40;

export function day(date: Date | string | undefined): string | undefined {
  if (date === undefined) return undefined;
  const value = typeof date === 'string' ? new Date(date) : date;
  return Number.isNaN(value.getTime()) ? undefined : value.toISOString().slice(0, 10);
}

export function gatedText(gated: false | string | undefined): string {
  if (gated === undefined || gated === false) return 'not gated';
  return `gated (${gated === 'manual' ? 'the authors approve each request' : 'access granted on accepting the conditions'})`;
}

function licenseOf(cardLicense: string | string[] | undefined, tags: readonly string[] | undefined): string {
  if (cardLicense !== undefined) return Array.isArray(cardLicense) ? cardLicense.join(', ') : cardLicense;
  const tag = tags?.find((candidate) => candidate.startsWith('license:'));
  return tag === undefined ? 'not stated' : tag.slice('license:'.length);
}

function counted(value: number | undefined, noun: string): string | undefined {
  if (value === undefined) return undefined;
  return `${formatCompact(value)} ${noun}${value === 1 ? '' : 's'}`;
}

function joined(parts: readonly (string | undefined)[]): string {
  return parts.filter((part): part is string => part !== undefined && part !== '').join(' · ');
}

/** How much a repo is used, how fresh it is, and whether it is gated, as a search hit shows them. */
function standing(repo: ModelDetails | DatasetDetails): (string | undefined)[] {
  return [
    counted(repo.downloads, 'download'),
    counted(repo.likes, 'like'),
    day(repo.updatedAt) === undefined ? undefined : `updated ${day(repo.updatedAt)}`,
    repo.gated !== undefined && repo.gated !== false ? 'gated' : undefined,
  ];
}

export function modelHit(index: number, model: ModelDetails): string {
  return `${index}. ${joined([model.name, model.task, model.library_name, ...standing(model)])}`;
}

export function datasetHit(index: number, dataset: DatasetDetails): string {
  const tags = (dataset.tags ?? [])
    .filter((tag) => /^(task_categories|size_categories|modality|language):/.test(tag))
    .slice(0, 6)
    .map((tag) => tag.replace(/^[a-z_]+:/, ''));
  const line = `${index}. ${joined([dataset.name, ...standing(dataset)])}`;
  return tags.length === 0 ? line : `${line}\n   ${tags.join(', ')}`;
}

function authorsText(paper: Paper, max = 4): string {
  const names = paper.authors.map((author) => author.name);
  return names.length > max ? `${names.slice(0, max).join(', ')} and ${names.length - max} more` : names.join(', ');
}

export function paperHit(index: number, paper: Paper): string {
  const line = `${index}. ${joined([
    paper.id,
    paper.title,
    day(paper.publishedAt),
    authorsText(paper, 3),
    counted(paper.upvotes, 'upvote'),
  ])}`;
  return paper.summary === undefined ? line : `${line}\n   ${oneLine(paper.summary, 220)}`;
}

export function filesText(files: readonly FileEntry[], truncated: boolean): string[] {
  const onlyFiles = files.filter((file) => file.type === 'file');
  const total = onlyFiles.reduce((sum, file) => sum + file.size, 0);
  const lines = [`files (${onlyFiles.length}${truncated ? '+' : ''}, ${bytes(total)}${truncated ? '+' : ''} in all):`];
  for (const file of onlyFiles.slice(0, FILES_SHOWN)) lines.push(`  ${file.path}  ${bytes(file.size)}`);
  if (onlyFiles.length > FILES_SHOWN) lines.push(`  … ${onlyFiles.length - FILES_SHOWN} more files`);
  return lines;
}

function parametersText(model: ModelDetails): string | undefined {
  const total = model.safetensors?.total;
  if (total === undefined) return undefined;
  const types = Object.keys(model.safetensors?.parameters ?? {}).join(', ');
  return `parameters: ${formatCompact(total)} (${total.toLocaleString('en-US')}${types === '' ? '' : `; ${types}`})`;
}

export function modelText(
  model: ModelDetails,
  page: string,
  summary: string | undefined,
  files: readonly FileEntry[],
  truncated: boolean,
  lineage?: string,
): string {
  return [
    `model ${model.name}  ${page}`,
    joined([
      model.task === undefined ? undefined : `task: ${model.task}`,
      model.library_name === undefined ? undefined : `library: ${model.library_name}`,
      `license: ${licenseOf(model.cardData?.license, model.tags)}`,
      gatedText(model.gated),
    ]),
    lineage ?? '',
    joined([
      counted(model.downloads, 'download'),
      counted(model.likes, 'like'),
      day(model.updatedAt) === undefined ? undefined : `updated ${day(model.updatedAt)}`,
    ]),
    parametersText(model) ?? 'parameters: not given by the Hub (no safetensors metadata)',
    `summary: ${summary ?? 'the card has no summary'}`,
    ...filesText(files, truncated),
  ]
    .filter((line) => line !== '')
    .join('\n');
}

function dtypeText(dtype: unknown): string {
  if (typeof dtype === 'string') return dtype;
  if (typeof dtype === 'object' && dtype !== null && 'class_label' in dtype) {
    const names = (dtype as { class_label?: { names?: Record<string, string> } }).class_label?.names;
    const values = names === undefined ? [] : Object.values(names);
    return `class_label: ${values.slice(0, 8).join(', ')}${values.length > 8 ? ', …' : ''}`;
  }
  if (Array.isArray(dtype)) return 'list';
  return 'struct';
}

function configText(block: DatasetInfoBlock): string[] {
  const splits = (block.splits ?? [])
    .map(
      (split) =>
        `${split.name} ${split.num_examples === undefined ? '' : `${split.num_examples.toLocaleString('en-US')} rows`}${split.num_bytes === undefined ? '' : ` (${bytes(split.num_bytes)})`}`,
    )
    .join(', ');
  const features = (block.features ?? []).map((feature) => `${feature.name} (${dtypeText(feature.dtype)})`).join(', ');
  const lines = [`  ${block.config_name ?? 'default'}: ${splits === '' ? 'splits not given' : splits}`];
  if (features !== '') lines.push(`    features: ${features}`);
  return lines;
}

export function datasetText(
  dataset: DatasetDetails,
  page: string,
  summary: string | undefined,
  files: readonly FileEntry[],
  truncated: boolean,
): string {
  const info = dataset.cardData?.dataset_info;
  const blocks = info === undefined ? [] : Array.isArray(info) ? info : [info];
  const configNames = (dataset.cardData?.configs ?? []).map((config) => config.config_name);
  const configs =
    blocks.length > 0
      ? ['configs and splits:', ...blocks.flatMap(configText)]
      : configNames.length > 0
        ? [`configs: ${configNames.join(', ')} (splits and sizes not given in the card)`]
        : ['configs and splits: not given in the card; see the files'];
  return [
    `dataset ${dataset.name}  ${page}`,
    joined([`license: ${licenseOf(dataset.cardData?.license, dataset.tags)}`, gatedText(dataset.gated)]),
    joined([
      counted(dataset.downloads, 'download'),
      counted(dataset.likes, 'like'),
      day(dataset.updatedAt) === undefined ? undefined : `updated ${day(dataset.updatedAt)}`,
    ]),
    `summary: ${summary ?? (dataset.description === undefined ? 'the card has no summary' : oneLine(dataset.description, 600))}`,
    ...configs,
    ...filesText(files, truncated),
  ]
    .filter((line) => line !== '')
    .join('\n');
}

export function paperText(paper: Paper, page: string): string {
  return [
    `paper ${paper.id}: ${paper.title}  ${page}`,
    joined([
      day(paper.publishedAt) === undefined ? undefined : `published ${day(paper.publishedAt)}`,
      counted(paper.upvotes, 'upvote'),
      paper.githubRepo === undefined || paper.githubRepo === null ? undefined : `code: ${paper.githubRepo}`,
      `arXiv: https://arxiv.org/abs/${paper.id}`,
    ]),
    `authors: ${authorsText(paper, 12)}`,
    `abstract: ${paper.summary === undefined ? 'not given' : oneLine(paper.summary, 3000)}`,
  ].join('\n');
}
