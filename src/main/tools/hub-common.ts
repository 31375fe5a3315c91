// What the Hub tools share: the client they ask (bound to the run's workspace folder for downloads),
// the argument shapes, and how Hub errors reach the model.
import { z } from 'zod';
import { AppError, formatError } from '../../shared/errors';
import { WorkspaceError } from '../core/tool';
import type { HubClient } from '../hub/hub-client';
import type { PaperReader } from '../hub/paper-reader';

export interface HubToolTarget {
  client: HubClient;
  /** The run's workspace folder on this machine (bind-mounted at /workspace in the sandbox). */
  workspaceFolder: string;
  /** The largest file hub_fetch downloads. */
  maxDownloadBytes: number;
  /** arXiv's HTML renderings: paper_read, and the sections hub_info lists for a paper. */
  papers?: PaperReader;
}

export const repoIdInput = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)?$/, 'a repo id such as "owner/name" (letters, digits, - _ .)')
  .refine((id) => !id.includes('..'), 'a repo id has no ".."');

/** Runs a Hub call, turning its AppErrors into messages the model reads. */
export async function askHub<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppError) throw new WorkspaceError(formatError(error.toInfo()));
    throw error;
  }
}
