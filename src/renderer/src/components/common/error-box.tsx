// A failed request, shown where it happened: what went wrong, and the hint saying what to do.
import type { ErrorInfo } from '../../../../shared/errors';
import { RichText } from './rich-text';

interface ErrorBoxProps {
  error: ErrorInfo;
  onRetry?: () => void;
  testId?: string;
}

export function ErrorBox({ error, onRetry, testId = 'error' }: ErrorBoxProps) {
  return (
    <div className="error-box" role="alert" data-testid={testId}>
      <p className="error-message">
        <RichText text={error.message} />
      </p>
      {error.hint !== undefined && (
        <p className="error-hint">
          <RichText text={error.hint} />
        </p>
      )}
      {onRetry !== undefined && (
        <button type="button" className="button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}
