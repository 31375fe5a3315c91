// The paths a loop spec names (data copied into the workspace, held-out files mounted for the
// evaluation) stay inside the spec's folder, links resolved, so that a spec from elsewhere cannot copy
// or mount this machine's files. A path may point elsewhere only when the person gives it at run time
// as a parameter's whole value (`data: ["{{train}}"]` with `--param train=/data/train.csv`). Parameters
// that go into the evaluation command are shell-quoted, so a value stays one argument.
import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { shellQuote as quoteWord } from '../sandbox/shell-quote';
import { locate, specError } from './spec-errors';

export const PLACEHOLDER = /\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g;
const WHOLE_PLACEHOLDER = /^\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}$/;
const SHELL_SAFE = /^[A-Za-z0-9_./:=@%+,-]+$/;

/** A value as one shell word: as it is when it is plainly safe, else in single quotes. */
export function shellQuote(value: string): string {
  return SHELL_SAFE.test(value) ? value : quoteWord(value);
}

/** The parameter a path template is made of entirely (`{{train}}`), if it is one. */
export function wholeParam(template: string): string | undefined {
  return WHOLE_PLACEHOLDER.exec(template.trim())?.[1];
}

function realOrResolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** Whether a path (relative to the spec) stays in the spec's folder, written and with links resolved. */
export function staysInSpecFolder(path: string, file: string): boolean {
  const folder = dirname(resolve(file));
  const absolute = resolve(folder, path);
  if (!isInside(folder, absolute)) return false;
  return !existsSync(absolute) || isInside(realOrResolved(folder), realOrResolved(absolute));
}

export interface SpecPathField {
  /** Where in the spec: ['data', 0] or ['evaluation', 'heldOut', 1]. */
  field: readonly (string | number)[];
  template: string;
}

export function outsideMessage(path: string, file: string): string {
  return `${path} is outside the spec's folder (${dirname(resolve(file))}); keep data and held-out files beside the spec, or give the path at run time as a parameter (--param name=path)`;
}

/**
 * The spec's own paths that leave its folder, as `file:line:col field: message` (for `spec check`):
 * each path as written, placeholders filled with their defaults; one with a placeholder that has no
 * default is checked when the spec runs.
 */
export function pathProblems(
  fields: readonly SpecPathField[],
  defaults: Readonly<Record<string, string | undefined>>,
  file: string,
): string[] {
  return fields.flatMap(({ field, template }) => {
    let complete = true;
    const path = template.replace(PLACEHOLDER, (_match, key: string) => {
      const value = defaults[key];
      if (value === undefined) complete = false;
      return value ?? '';
    });
    if (!complete || staysInSpecFolder(path, file)) return [];
    return [`${locate(file, field)}: ${outsideMessage(path, file)}`];
  });
}

/** Refuses a filled-in path that leaves the spec's folder, unless the person gave it at run time. */
export function checkRunPath(
  field: SpecPathField,
  path: string,
  file: string,
  givenByPerson: ReadonlySet<string>,
): void {
  const param = wholeParam(field.template);
  if (param !== undefined && givenByPerson.has(param)) return;
  if (staysInSpecFolder(path, file)) return;
  throw specError(file, [`${locate(file, field.field)}: ${outsideMessage(path, file)}`]);
}
