// `evaluate`: a standard metric (accuracy, exact match, macro F1, ROUGE-L, perplexity) on the agent's
// predictions against references, computed by the harness's own script in an evaluation container. The
// references may be a held-out file of the run's spec, which the agent's sandbox never has: the agent
// learns the score, never the labels. Each score is recorded as an evaluation of the run.
import { basename } from 'node:path';
import { z } from 'zod';
import { formatMetric } from '../../shared/format';
import { defineTool, WorkspaceError } from '../core/tool';

export const standardMetrics = ['accuracy', 'exact_match', 'f1_macro', 'rouge_l', 'perplexity'] as const;

export interface EvaluationRunner {
  runOnce(
    cmd: readonly string[],
    heldOut: readonly string[],
    timeoutSeconds: number,
    signal: AbortSignal,
  ): Promise<{ evalId: string; exitCode: number; output: string; timedOut: boolean }>;
}

export interface EvaluateDeps {
  runner: EvaluationRunner;
  /** The trusted metrics script (resources/sandbox/metrics.py). */
  script: () => string;
  /** Host paths of the run's held-out files (its spec's evaluation.heldOut). */
  heldOut: readonly string[];
}

const workspacePath = z
  .string()
  .min(1)
  .max(1024)
  .describe('A file in the workspace (CSV, JSONL or one value per line), or heldout:<name> for a held-out file.');

const input = z.object({
  metric: z.enum(standardMetrics),
  predictions: workspacePath,
  references: workspacePath.optional().describe('Needed for every metric but perplexity.'),
  column: z.string().min(1).max(128).optional().describe('The column or key holding the values (default: label).'),
});

/** The path a file has inside the evaluation container, refusing anything outside the workspace. */
function containerPath(path: string, heldOut: readonly string[]): { path: string; heldOut?: string } {
  if (path.startsWith('heldout:')) {
    const name = path.slice('heldout:'.length);
    const host = heldOut.find((candidate) => basename(candidate) === name);
    if (host === undefined) {
      const names = heldOut.map((candidate) => basename(candidate));
      throw new WorkspaceError(
        `This run has no held-out file ${name}.${names.length === 0 ? ' It has none.' : ` It has: ${names.join(', ')}.`}`,
      );
    }
    return { path: `/heldout/${name}`, heldOut: host };
  }
  const clean = path.replace(/^\/workspace\//, '').replace(/^\.\//, '');
  if (clean.startsWith('/') || clean.split('/').includes('..')) {
    throw new WorkspaceError(`${path} is outside the workspace; give a path inside it.`);
  }
  return { path: `/workspace/${clean}` };
}

export function evaluateTool(deps: EvaluateDeps) {
  return defineTool({
    name: 'evaluate',
    description:
      'Score predictions against references with a standard metric (accuracy, exact_match, f1_macro, rouge_l, perplexity), computed by the harness, not by you, and recorded as an evaluation of the run. References may be a held-out file (heldout:<name>) that you cannot read.',
    input,
    risk: 'read',
    summarize: ({ metric, predictions, references }) =>
      `${metric} of ${predictions}${references === undefined ? '' : ` vs ${references}`}`,
    run: async ({ metric, predictions, references, column }, ctx) => {
      if (metric !== 'perplexity' && references === undefined) {
        return { output: `${metric} needs references: give the file of correct answers.`, isError: true };
      }
      const files = [predictions, ...(references === undefined ? [] : [references])].map((path) =>
        containerPath(path, deps.heldOut),
      );
      const mounts = files.flatMap((file) => (file.heldOut === undefined ? [] : [file.heldOut]));
      const cmd = ['python3', '-c', deps.script(), metric, ...files.map((file) => file.path), column ?? ''];
      const result = await deps.runner.runOnce(cmd, mounts, 300, ctx.signal);
      const lines = result.output.trim().split('\n');
      const parsed = z.record(z.string(), z.number()).safeParse(safeJson(lines.at(-1) ?? ''));
      const value = parsed.success ? parsed.data[metric] : undefined;
      if (result.exitCode !== 0 || value === undefined) {
        const reason = result.timedOut ? 'it timed out' : (lines.at(-1) ?? `exit ${result.exitCode}`);
        return { output: `The evaluation failed: ${reason}`, isError: true };
      }
      // Through the run's recorder, redacted like everything else the run records.
      ctx.record([
        {
          type: 'evaluation.recorded',
          payload: {
            evalId: result.evalId,
            metric,
            value,
            better: metric === 'perplexity' ? 'lower' : 'higher',
            output: result.output,
          },
        },
      ]);
      const against = references === undefined ? '' : ` against ${references}`;
      return {
        output: `${metric} = ${formatMetric(value)} for ${predictions}${against} (${lines[0] ?? ''}). Recorded.`,
      };
    },
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
