// Loop specs: a YAML (or JSON) file that names a loop — its goal template and parameters, model, tools,
// approval rules, budgets, the data it starts with and the evaluation gate — so it can be run again on
// another model or other data. Every error names the file, the line and column, and the field. This
// module reads a spec; `spec-schema.ts` says what it may hold, `prepare-spec.ts` fills it in for a run
// and `spec-library.ts` finds saved ones.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { isMap, LineCounter, parseDocument } from 'yaml';
import { closestName } from '../../shared/closest-name';
import { AppError } from '../../shared/errors';
import { fieldName, locate, nodeAt, position, specError, type Located } from './spec-errors';
import { pathProblems } from './spec-paths';
import { knownKeys, loopSpecSchema, pathFields, type LoopSpec } from './spec-schema';

export { loopSpecSchema, specNameProblem, type LoopSpec } from './spec-schema';
export { copyData, prepareSpec, resolveParams, sha256Of, type PrepareOptions, type PreparedSpec } from './prepare-spec';
export { findSpec, listSpecs, specDirs, specFromRun, specsDir, starterSpecsDir, type SavedSpec } from './spec-library';

/** Parses spec text; every problem is reported as `file:line:col field: message`. */
export function parseLoopSpec(text: string, file: string): LoopSpec {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const label = basename(file);
  if (doc.errors.length > 0) {
    throw specError(
      file,
      doc.errors.map((error) => {
        const { line, col } = lines.linePos(error.pos[0]);
        return `${label}:${line}:${col} ${error.message.split('\n')[0]}`;
      }),
    );
  }
  const value: unknown = doc.toJS();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw specError(file, [`${label}:1:1 a loop spec is a mapping of fields (name, goal, …)`]);
  }
  const parsed = loopSpecSchema.safeParse(value);
  if (parsed.success) {
    const defaults = Object.fromEntries(Object.entries(parsed.data.params).map(([key, param]) => [key, param.default]));
    const outside = [
      ...pathProblems(pathFields(parsed.data), defaults, file),
      ...pathProblems(
        Object.keys(parsed.data.checksums ?? {}).map((template) => ({ field: ['checksums', template], template })),
        {},
        file,
      ),
      ...ruleProblems(parsed.data, file),
    ];
    if (outside.length > 0) throw specError(file, outside);
    return parsed.data;
  }
  const problems = parsed.error.issues.map((issue): Located & { text: string } => {
    if (issue.code === 'unrecognized_keys') {
      const [first] = issue.keys;
      const found = nodeAt(doc, [...issue.path, first ?? '']);
      const where = position(lines, found.key ?? found.node);
      const field = fieldName([...issue.path, first ?? '']);
      const known = knownKeys(issue.path);
      const near = closestName(String(first ?? ''), known);
      const guess = near === undefined ? '' : ` (did you mean ${near}?)`;
      return { ...where, text: `${field}: unknown field${guess} (known: ${known.join(', ')})` };
    }
    const found = nodeAt(doc, issue.path);
    const missing = found.key === undefined && issue.path.length > 0 && found.node !== undefined && isMap(found.node);
    const where = position(lines, found.node);
    const message = missing && issue.code === 'invalid_type' ? 'required field is missing' : issue.message;
    return { ...where, text: `${fieldName(issue.path)}: ${message}` };
  });
  problems.sort((a, b) => a.line - b.line || a.col - b.col);
  throw specError(
    file,
    problems.map((problem) => `${label}:${problem.line}:${problem.col} ${problem.text}`),
  );
}

/**
 * Rules between fields, for `spec check` and `run --spec` alike: an evaluation gate needs the sandbox
 * (on this machine the agent could read the held-out files).
 */
function ruleProblems(spec: LoopSpec, file: string): string[] {
  if (spec.runtime !== 'host' || spec.evaluation === undefined) return [];
  return [
    `${locate(file, ['runtime'])}: an evaluation gate needs the sandbox (on this machine the agent could read the held-out files); remove runtime: host`,
  ];
}

export function readLoopSpec(file: string): LoopSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new AppError(
      code === 'ENOENT' ? 'not_found' : 'unavailable',
      code === 'ENOENT' ? `There is no loop spec at ${file}.` : `Cannot read the loop spec ${file}: ${String(error)}`,
      'Give the path of a .yaml or .json spec file, or the name of a saved spec or starter (`looplab spec list` lists them).',
    );
  }
  return parseLoopSpec(text, file);
}
