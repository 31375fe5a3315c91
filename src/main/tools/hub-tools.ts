// The Hub tools of one run: hub_search, hub_info, hub_fetch and (given arXiv's reader) paper_read, bound
// to the Hub client and to the run's workspace folder (downloads land there).
import type { ToolDefinition } from '../core/tool';
import type { HubToolTarget } from './hub-common';
import { hubFetchTool } from './hub-fetch';
import { hubInfoTool } from './hub-info';
import { hubSearchTool } from './hub-search';
import { paperReadTool } from './paper-read';

export type { HubToolTarget } from './hub-common';

/** 2 GiB: datasets' shards and small checkpoints; bigger weights belong in a job with the network. */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 2 * 1024 * 1024 * 1024;

export function createHubTools(target: HubToolTarget): ToolDefinition[] {
  const { client, papers } = target;
  const reading = papers === undefined ? [] : [paperReadTool({ client, papers })];
  return [hubSearchTool(target), hubInfoTool(target), hubFetchTool(target), ...reading];
}
