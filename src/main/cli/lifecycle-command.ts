// `looplab delete <run-id>… [--yes]` and `looplab gc [--dry-run]`: keeping the data folder bounded.
// Delete asks first on a terminal; elsewhere it wants --yes. Live runs are refused.
import { Command } from 'commander';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { runIdSchema } from '../../shared/contract';
import { formatBytes } from '../../shared/format';
import type { GcResult } from '../store/blob-gc';
import type { RunSummary } from '../../shared/run-summary';
import { withStore, type DataFolder } from './data-folder';

export interface LifecycleCommandDeps {
  write(text: string): void;
}

export interface ListRunsOptions {
  limit: number;
  status?: RunSummary['status'] | undefined;
  sort: 'time' | 'size';
  /** Give each run its size even when sorting by time (for --json). */
  sized: boolean;
}

/** `looplab runs`: newest first, or largest first; with the size of each when asked or sorted by it. */
export function listRuns(
  store: DataFolder['store'],
  lifecycle: DataFolder['lifecycle'],
  options: ListRunsOptions,
): (RunSummary & { sizeBytes?: number })[] {
  if (options.sort === 'time' && !options.sized)
    return store.listRuns({ limit: options.limit, status: options.status });
  const sizes = lifecycle.sizes();
  const all = store.listRuns({ limit: options.sort === 'size' ? 1_000_000 : options.limit, status: options.status });
  const sized = all.map((run) => ({ ...run, sizeBytes: sizes.get(run.id) ?? 0 }));
  if (options.sort === 'size') sized.sort((a, b) => b.sizeBytes - a.sizeBytes);
  return sized.slice(0, options.limit);
}

export function formatGc(result: GcResult, dryRun: boolean): string {
  const verb = dryRun ? 'Would free' : 'Freed';
  const folders = result.folders === 0 ? '' : ` and ${result.folders} workspace folder(s) of deleted runs`;
  const kept =
    result.kept === 0 ? '' : `; kept ${result.kept} unreferenced file(s) that a live or recent run may still record`;
  return `${verb} ${formatBytes(result.bytes)} in ${result.blobs} blob(s)${folders}${kept}.\n`;
}

async function confirm(runIds: readonly string[]): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const what = runIds.length === 1 ? `run ${runIds[0]}` : `${runIds.length} runs (${runIds.join(', ')})`;
    const answer = await prompt.question(`Delete ${what} with its events, workspace and snapshots? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

export function lifecycleCommands({ write }: LifecycleCommandDeps): Command[] {
  const remove = new Command('delete')
    .description('delete runs with their events, workspace, jobs’ files and snapshots; then collect unused blobs')
    .argument('<run-ids...>', 'the runs')
    .option('--yes', 'do not ask')
    .action(async (ids: string[], options: { yes?: boolean }, command: Command) => {
      const runIds = ids.map((id) => {
        const parsed = runIdSchema.safeParse(id);
        if (!parsed.success)
          throw new AppError('invalid_input', `Invalid run id ${id}.`, 'List runs with `looplab runs`.');
        return parsed.data;
      });
      if (options.yes !== true) {
        if (!process.stdin.isTTY) {
          throw new AppError(
            'invalid_input',
            'Deleting runs cannot be undone.',
            'Pass --yes to delete without asking.',
          );
        }
        // Checked before asking, so that a typo or a live run is said at once.
        await withStore(command, ({ store, owners }) =>
          runIds.forEach((runId) => refuseLive(store.requireRun(runId).id, owners)),
        );
        if (!(await confirm(runIds))) {
          write('Nothing deleted.\n');
          return;
        }
      }
      await withStore(command, ({ lifecycle }) => {
        const result = lifecycle.deleteRuns(runIds);
        write(result.deleted.map((runId) => `Deleted ${runId}\n`).join('') + formatGc(result.gc, false));
      });
    });

  const gc = new Command('gc')
    .description('remove blobs that no run refers to any more, and workspace folders of deleted runs')
    .option('--dry-run', 'only say what would be freed')
    .action(async (options: { dryRun?: boolean }, command: Command) => {
      const dryRun = z.boolean().parse(options.dryRun ?? false);
      await withStore(command, ({ lifecycle }) => write(formatGc(lifecycle.collect({ dryRun }), dryRun)));
    });
  return [remove, gc];
}

function refuseLive(runId: string, owners: DataFolder['owners']): void {
  const pid = owners.liveOwner(runId);
  if (pid === undefined) return;
  throw new AppError(
    'conflict',
    `Run ${runId} is live: process ${pid} is recording it.`,
    'Stop the run first (Stop in the app, or Ctrl+C where `looplab run` drives it), then delete it.',
  );
}
