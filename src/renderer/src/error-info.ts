// Turns whatever a failed request threw into the code / message / hint shape the UI shows.
import type { ErrorInfo } from '../../shared/errors';
import { ApiError } from './bridge';

export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof ApiError) return error.info;
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message };
}
