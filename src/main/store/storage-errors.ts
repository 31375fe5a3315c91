// A data folder that cannot be written (its disk is full, or it is read-only) is not a bug in a run:
// nothing saved is lost, and the run goes on once the folder is fixed. These errors say which folder
// and what to do, and `looplab` exits with its own status for them (EXIT_DATA_FOLDER).
import { AppError } from '../../shared/errors';

export type DataFolderProblem = 'full' | 'read_only';

/** The exit status of `looplab` when the data folder cannot be written. */
export const EXIT_DATA_FOLDER = 8;

export class DataFolderError extends AppError {
  constructor(
    readonly problem: DataFolderProblem,
    readonly folder: string,
    reason: string,
  ) {
    super(
      'unavailable',
      problem === 'full'
        ? `The data folder ${folder} is out of disk space (${reason}); nothing more can be saved.`
        : `The data folder ${folder} cannot be written (${reason}).`,
      problem === 'full'
        ? 'Everything saved before this is intact. Free space on that disk, then resume the run (`looplab resume <run-id>`, or Resume in the app); or choose another data folder with --home or LOOPLAB_HOME.'
        : 'Make the folder writable (its permissions, and whether its disk is mounted read-only), then resume the run; or choose another data folder with --home or LOOPLAB_HOME.',
    );
    this.name = 'DataFolderError';
  }
}

const fullCodes = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT']);
const readOnlyCodes = new Set(['EROFS', 'EACCES', 'EPERM', 'SQLITE_CANTOPEN', 'SQLITE_PERM', 'SQLITE_AUTH']);

function problemOf(code: string): DataFolderProblem | undefined {
  if (fullCodes.has(code)) return 'full';
  // SQLITE_READONLY and its extended codes (SQLITE_READONLY_DBMOVED, _DIRECTORY, …).
  if (readOnlyCodes.has(code) || code.startsWith('SQLITE_READONLY')) return 'read_only';
  return undefined;
}

/** The error as a DataFolderError when the folder's disk or permissions caused it, else undefined. */
export function dataFolderFailure(error: unknown, folder: string): DataFolderError | undefined {
  if (error instanceof DataFolderError) return error;
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return undefined;
  const problem = problemOf(code);
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
