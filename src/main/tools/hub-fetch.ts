// Downloads one file of a Hub repo into the run's workspace: the destination must stay inside it (its
// folder is held open without following a link in any part, and the file is written and renamed
// through that handle), and files over the size cap are refused before anything is written.
import { fchownSync, fstatSync } from 'node:fs';
import { lchown, lstat, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { defineTool, WorkspaceError } from '../core/tool';
import { formatBytes as bytes } from '../../shared/format';
import { downloadHubFile } from '../hub/hub-files';
import { openFolderInside, type OpenFolder } from '../fs/open-inside';
import { FolderWorkspace, workspaceError } from './folder-workspace';
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

/** Where the download goes: its folder held open (made where missing, no link in any part) and the file's name in it. */
interface Target {
  folder: OpenFolder;
  /** The file through the open folder (a /proc handle path on Linux), for the download to write and rename. */
  file: string;
  /** Its path inside the workspace. */
  inside: string;
}

async function prepareTarget(workspace: FolderWorkspace, path: string): Promise<Target> {
  const inside = await workspace.insidePath(path);
  const parts = inside.split('/');
  const name = parts.pop()!;
  let folder: OpenFolder;
  try {
    folder = openFolderInside(workspace.root, parts.join('/'), { create: true });
  } catch (error) {
    throw workspaceError(error, path);
  }
  const file = join(folder.location, name);
  const existing = await lstat(file).catch(() => undefined);
  if (name === '' || existing?.isDirectory() === true) {
    folder.close();
    throw new WorkspaceError(`${path} is a folder; give a file path with "to".`);
  }
  return { folder, file, inside };
}

/**
 * Run as root, the file and the folders made for it are given the workspace folder's owner, as the
 * sandbox's files are, so the sandbox's user can change them. Each is changed through a descriptor
 * opened without following links, never by a path a link could redirect.
 */
async function matchOwner(root: string, target: Target): Promise<void> {
  if (process.getuid?.() !== 0) return;
  const owner = await stat(root);
  const file = await lstat(target.file);
  if (file.uid === 0 && file.isFile()) await lchown(target.file, owner.uid, owner.gid);
  const parts = target.inside.split('/').slice(0, -1);
  for (let count = parts.length; count > 0; count--) {
    const folder = openFolderInside(root, parts.slice(0, count).join('/'));
    try {
      if (fstatSync(folder.fd).uid === 0) fchownSync(folder.fd, owner.uid, owner.gid);
    } finally {
      folder.close();
    }
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
      const destinationFile = await prepareTarget(workspace, to);
      try {
        const repo = { type: args.kind ?? 'model', name: args.repo } as const;
        const size = await askHub(async () => {
          const call = await target.client.open(ctx.signal);
          try {
            return await downloadHubFile(call, repo, args.path, destinationFile.file, {
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
        await matchOwner(target.workspaceFolder, destinationFile);
        const shown = destinationFile.inside;
        return { output: `Downloaded ${args.path} of ${repo.type} ${args.repo} to ${shown} (${bytes(size)}).` };
      } finally {
        destinationFile.folder.close();
      }
    },
  });
}
