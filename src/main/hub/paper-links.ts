// The models and datasets on the Hub that cite a paper: those tagged `arxiv:<id>` (the Hub tags a repo
// whose card links the paper), most downloaded first.
import { formatCompact } from '../../shared/format';
import type { HubCall } from './hub-client';
import { datasetDetailsSchema, modelDetailsSchema } from './hub-schemas';

/** How many of each are listed. */
const LINKED = 8;

export interface PaperLinks {
  models: string[];
  datasets: string[];
}

function hitText(repo: { name: string; downloads?: number | undefined }): string {
  return repo.downloads === undefined ? repo.name : `${repo.name} (${formatCompact(repo.downloads)} downloads)`;
}

export async function paperLinks(id: string, call: HubCall): Promise<PaperLinks> {
  const search = { tags: [`arxiv:${id}`] };
  const models: string[] = [];
  for await (const model of call.library.listModels({ search, limit: LINKED, sort: 'downloads', ...call }))
    models.push(hitText(modelDetailsSchema.parse(model)));
  const datasets: string[] = [];
  for await (const dataset of call.library.listDatasets({ search, limit: LINKED, sort: 'downloads', ...call }))
    datasets.push(hitText(datasetDetailsSchema.parse(dataset)));
  return { models, datasets };
}

export function paperLinksText(links: PaperLinks): string[] {
  const line = (noun: string, list: readonly string[]) =>
    `${noun} citing it on the Hub: ${list.length === 0 ? 'none' : `${list.join(', ')}${list.length === LINKED ? ', …' : ''}`}`;
  return [line('models', links.models), line('datasets', links.datasets)];
}
