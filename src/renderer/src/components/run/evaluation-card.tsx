// An evaluation in the transcript: what the attempt scored against the target, and what the loop did
// next ("Attempt 1 scored macro_f1 0.79 — below the 0.85 target, trying again").
import { evaluationSentence, metricPassed } from '../../../../shared/run-title';
import type { TranscriptEvaluation } from '../../transcript';

export function EvaluationCard({ entry }: { entry: TranscriptEvaluation }) {
  const { result, continued } = entry;
  if ('failed' in result) {
    const { metric, attempt, reason } = result.failed;
    return (
      <div className="evaluation-card result-fail" data-testid="evaluation-card">
        <span className="evaluation-mark">✗</span>
        <span>
          Attempt {attempt} gave no {metric}: {reason}
          {continued ? ', trying again' : ''}
        </span>
      </div>
    );
  }
  const passed = metricPassed(result.metric);
  const tone = passed === null ? 'none' : passed ? 'pass' : 'fail';
  return (
    <div className={`evaluation-card result-${tone}`} data-testid="evaluation-card">
      <span className="evaluation-mark">{passed === null ? '•' : passed ? '✓' : '✗'}</span>
      <span>
        {evaluationSentence(result.metric)}
        {passed === false && continued ? ', trying again' : ''}
      </span>
    </div>
  );
}
