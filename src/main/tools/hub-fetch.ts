// Downloads one file of a Hub repo into the run's workspace: the destination must stay inside it, and
// files over the size cap are refused before anything is written.
import { chown, mkdir, realpath, stat } from 'node:fs/promises';
import { dirname, relative, sep } from 'node:path';
import { z } from 'zod';
import { defineTool, WorkspaceError } from '../core/tool';
import { formatBytes as bytes } from '../../shared/format';
import { downloadHubFile } from '../hub/hub-files';
import { FolderWorkspace } from './folder-workspace';
import { askHub, repoIdInput, type HubToolTarget } from './hub-common';

const repoPath = z
  .string()
  .min(1)
  .max(1024)
  .refine(
    (path) =>
      !path.startsWith('/') &&
      !path.includes('\\') &&
      path.split('/').every((part) => part !== '' && part !== '..' && part !== '.'),
    'a path inside the repo such as "data/train.csv" (no leading /, no . or .. parts)',
  );

const input = z.object({
  repo: repoIdInput.describe('The repo id, "owner/name".'),
  path: repoPath.describe('The file inside the repo, as hub_info lists it.'),
  kind: z.enum(['model', 'dataset']).optional().describe('The repo kind (default model).'),
  to: z
    .string()
    .min(1)
    .max(1024)
    .optional()
    .describe('Where to put it, relative to the workspace (default hub/<repo>/<path>).'),
});
type Input = z.infer<typeof input>;

function destination({ repo, path, to }: Input): string {
  return to ?? `hub/${repo}/${path}`;
}

/** Makes the folder, then checks again that it is inside the workspace (a link may have appeared). */
async function prepareTarget(workspace: FolderWorkspace, path: string): Promise<string> {
  const target = await workspace.resolvePath(path);
  const existing = await stat(target).catch(() => undefined);
  if (existing?.isDirectory()) throw new WorkspaceError(`${path} is a folder; give a file path with "to".`);
  await mkdir(dirname(target), { recursive: true });
  const root = await realpath(workspace.root);
  const folder = await realpath(dirname(target));
  if (folder !== root && !folder.startsWith(root + sep)) throw new WorkspaceError(`${path} is outside the workspace.`);
  return target;
}

/**
 * Run as root, the file and the folders made for it are given the workspace folder's owner, as the
 * sandbox's files are, so the sandbox's user can change them.
 */
async function matchOwner(file: string, root: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  const owner = await stat(root);
  const realRoot = await realpath(root);
  for (let path = file; path !== realRoot && path.startsWith(realRoot + sep); path = dirname(path)) {
    const current = await stat(path);
    if (current.uid === 0) await chown(path, owner.uid, owner.gid);
  }
}

export function hubFetchTool(target: HubToolTarget) {
  return defineTool({
    name: 'hub_fetch',
    description: [
      'Download one file of a Hugging Face model or dataset repo into the workspace (a CSV, a JSONL or Parquet shard, a config, a small checkpoint).',
      `Files over ${bytes(target.maxDownloadBytes)} are refused: download those inside a job with the network granted.`,
      'Gated repos need HF_TOKEN and their conditions accepted on the Hub.',
    ].join(' '),
    input,
    risk: 'write',
    summarize: (args) => `download ${args.kind ?? 'model'} ${args.repo}: ${args.path} → ${destination(args)}`,
    run: async (args, ctx) => {
      const workspace = new FolderWorkspace(target.workspaceFolder);
      const to = destination(args);
      const file = await prepareTarget(workspace, to);
      const repo = { type: args.kind ?? 'model', name: args.repo } as const;
      const size = await askHub(async () => {
        const call = await target.client.open(ctx.signal);
        try {
          return await downloadHubFile(call, repo, args.path, file, {
            maxBytes: target.maxDownloadBytes,
            signal: ctx.signal,
          });
        } catch (error) {
          if (ctx.signal.aborted) throw error;
          throw target.client.fail(
            error,
            {
              what: `the file ${args.path} of ${repo.type} ${args.repo}`,
              page: target.client.page(repo.type, args.repo),
            },
            call,
          );
        }
      });
      await matchOwner(file, target.workspaceFolder);
      const shown = relative(await realpath(target.workspaceFolder), file);
      return { output: `Downloaded ${args.path} of ${repo.type} ${args.repo} to ${shown} (${bytes(size)}).` };
    },
  });
}
