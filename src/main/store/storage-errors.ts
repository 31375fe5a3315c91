// A data folder that cannot be written (its disk is full, or it is read-only) is not a bug in a run:
// nothing saved is lost, and the run goes on once the folder is fixed. These errors say which folder
// and what to do, and `looplab` exits with its own status for them (EXIT_DATA_FOLDER). What to do
// depends on what failed: "resume the run" only where a run was being recorded.
import { accessSync, constants, statfsSync } from 'node:fs';
import { AppError } from '../../shared/errors';

export type DataFolderProblem = 'full' | 'read_only';

/** The exit status of `looplab` when the data folder cannot be written. */
export const EXIT_DATA_FOLDER = 8;

const ELSEWHERE = 'or choose another data folder with --home or LOOPLAB_HOME.';

function hintFor(problem: DataFolderProblem, runId: string | undefined): string {
  const fix =
    problem === 'full'
      ? 'Free space on that disk'
      : 'Make the folder writable (its permissions, and whether its disk is mounted read-only)';
  if (runId === undefined) return `Nothing saved before is lost. ${fix}, then try again; ${ELSEWHERE}`;
  return `Everything saved before this is intact. ${fix}, then resume the run (\`looplab resume ${runId}\`, or Resume in the app); ${ELSEWHERE}`;
}

export class DataFolderError extends AppError {
  constructor(
    readonly problem: DataFolderProblem,
    readonly folder: string,
    readonly reason: string,
    /** The run that was being recorded, when there was one: the hint says to resume it. */
    readonly runId?: string,
  ) {
    super(
      'unavailable',
      problem === 'full'
        ? `The data folder ${folder} is out of disk space (${reason}); nothing more can be saved.`
        : `The data folder ${folder} cannot be written (${reason}).`,
      hintFor(problem, runId),
    );
    this.name = 'DataFolderError';
  }

  /** The same failure, while recording this run. */
  forRun(runId: string): DataFolderError {
    return new DataFolderError(this.problem, this.folder, this.reason, runId);
  }
}

const fullCodes = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT']);
const readOnlyCodes = new Set(['EROFS', 'EACCES', 'EPERM', 'SQLITE_CANTOPEN', 'SQLITE_PERM', 'SQLITE_AUTH']);

function problemOf(code: string, folder: string): DataFolderProblem | undefined {
  if (fullCodes.has(code)) return 'full';
  // SQLITE_READONLY and its extended codes (SQLITE_READONLY_DBMOVED, _DIRECTORY, …).
  if (readOnlyCodes.has(code) || code.startsWith('SQLITE_READONLY')) return 'read_only';
  // SQLite reports a -shm or -wal it cannot grow as a plain I/O error ("disk I/O error"): the disk says why.
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO') return diskProblem(folder);
  return undefined;
}

/** What the disk under the folder says: no space left, or no writing allowed. */
export function diskProblem(folder: string): DataFolderProblem | undefined {
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    return 'read_only';
  }
  try {
    const { bavail, bsize } = statfsSync(folder);
    // Less than what SQLite needs to grow its shared-memory index (32 KiB) by one step.
    if (bavail * bsize < 64 * 1024) return 'full';
  } catch {
    return undefined;
  }
  return undefined;
}

/** The error as a DataFolderError when the folder's disk or permissions caused it, else undefined. */
export function dataFolderFailure(error: unknown, folder: string): DataFolderError | undefined {
  if (error instanceof DataFolderError) return error;
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return undefined;
  const problem = problemOf(code, folder);
  return problem === undefined ? undefined : new DataFolderError(problem, folder, error.message);
}

/** Runs work that writes to the data folder, turning disk and permission failures into DataFolderError. */
export function writingTo<T>(folder: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw dataFolderFailure(error, folder) ?? error;
  }
}
