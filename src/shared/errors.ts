// Errors that cross a boundary carry a code, a message saying what went wrong, and a hint saying
// what to do about it. The same shape reaches the UI, the CLI and the web bridge.
export type ErrorCode = 'invalid_input' | 'not_found' | 'unavailable' | 'conflict' | 'internal';

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  hint?: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, hint?: string) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.hint = hint;
  }

  toInfo(): ErrorInfo {
    return this.hint === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, hint: this.hint };
  }
}

export function formatError(info: ErrorInfo): string {
  return info.hint === undefined ? info.message : `${info.message}\n${info.hint}`;
}
