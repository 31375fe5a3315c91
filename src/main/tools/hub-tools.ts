// The Hub tools of one run: hub_search, hub_info and hub_fetch, bound to the Hub client and to the run's
// workspace folder (downloads land there).
import type { ToolDefinition } from '../core/tool';
import type { HubToolTarget } from './hub-common';
import { hubFetchTool } from './hub-fetch';
import { hubInfoTool } from './hub-info';
import { hubSearchTool } from './hub-search';

export type { HubToolTarget } from './hub-common';

/** 2 GiB: datasets' shards and small checkpoints; bigger weights belong in a job with the network. */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 2 * 1024 * 1024 * 1024;

export function createHubTools(target: HubToolTarget): ToolDefinition[] {
  return [hubSearchTool(target), hubInfoTool(target), hubFetchTool(target)];
}
