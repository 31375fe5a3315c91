// The three states of anything the UI asks the main process for.
import type { ErrorInfo } from '../../../shared/errors';

export type Loadable<T> = { status: 'loading' } | { status: 'error'; error: ErrorInfo } | { status: 'ready'; value: T };

export const loading = { status: 'loading' } as const;
