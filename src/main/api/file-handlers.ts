// The handlers that reach a run's files: a job's log, an artifact opened or shown in the file manager
// (desktop only), and the workspace as it stood at a step.
import { join } from 'node:path';
import { AppError } from '../../shared/errors';
import { checkOpenable, resolveRunFile, resolveRunRegularFile } from '../runs/run-files';
import { diffWorkspace, listWorkspace, readWorkspaceFile } from '../runs/workspace-files';
import { jobFiles, tailLines } from '../sandbox/jobs-files';
import { jobIdsOf } from '../sandbox/jobs-status';
import type { DesktopShell, HandlerDeps, Handlers } from './handlers';

export function fileHandlers({ store, paths, desktop, snapshots }: HandlerDeps) {
  const workspaces = paths.workspaces;
  const shell = (): DesktopShell => {
    if (desktop !== undefined) return desktop;
    throw new AppError(
      'unavailable',
      'Opening files on this machine works in the desktop app only.',
      'Download the file instead.',
    );
  };
  const recorded = (runId: string) => ({
    id: store.requireRun(runId).id,
    events: store.loadEvents(runId, { blobs: 'ref' }),
  });
  return {
    'jobs.logs': async ({ runId, jobId, lines }) => {
      store.requireRun(runId);
      if (!jobIdsOf(store.loadEvents(runId, { blobs: 'ref' })).includes(jobId))
        throw new AppError('not_found', `${runId} has no job ${jobId}.`);
      // Opened without following links the sandbox may have put in the way (jobs-files.ts).
      try {
        return { jobId, lines: tailLines(jobFiles(join(workspaces, runId), jobId), lines) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { jobId, lines: [] };
        throw error;
      }
    },
    'artifacts.open': async ({ runId, path }) => {
      store.requireRun(runId);
      const file = await resolveRunRegularFile(workspaces, runId, path);
      checkOpenable(file);
      const failure = await shell().open(file.realPath);
      if (failure !== '') throw new AppError('unavailable', `Could not open ${path}: ${failure}`);
      return { opened: true };
    },
    'artifacts.reveal': async ({ runId, path }) => {
      store.requireRun(runId);
      shell().reveal((await resolveRunFile(workspaces, runId, path)).realPath);
      return { revealed: true };
    },
    'workspace.files': ({ runId, seq }) => {
      const run = recorded(runId);
      return listWorkspace(snapshots.blobs, run.id, run.events, seq);
    },
    'workspace.file': ({ runId, path, seq }) => {
      const run = recorded(runId);
      return readWorkspaceFile(snapshots.blobs, run.id, run.events, path, seq);
    },
    'workspace.diff': ({ runId, from, to }) => {
      const run = recorded(runId);
      return diffWorkspace(snapshots.blobs, run.id, run.events, from, to);
    },
  } satisfies Partial<Handlers>;
}
