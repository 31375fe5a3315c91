// The last lines a job printed, read from its log file in the run's workspace: once when shown, every
// second while the job runs, and once more when it ends.
import { useEffect, useState } from 'react';
import type { ErrorInfo } from '../../../shared/errors';
import { request } from '../bridge';
import { toErrorInfo } from '../error-info';

export const JOB_LOG_LINES = 200;
const REFRESH_MS = 1000;

export type JobLogState =
  { status: 'loading' } | { status: 'ready'; lines: string[] } | { status: 'error'; error: ErrorInfo };

export function useJobLog(runId: string, jobId: string, running: boolean): JobLogState {
  const [state, setState] = useState<{ key: string; log: JobLogState }>({
    key: '',
    log: { status: 'loading' },
  });
  const key = `${runId}:${jobId}`;

  useEffect(() => {
    let live = true;
    let timer: number | undefined;
    const load = () => {
      request('jobs.logs', { runId, jobId, lines: JOB_LOG_LINES }).then(
        ({ lines }) => live && setState({ key, log: { status: 'ready', lines } }),
        (error: unknown) => live && setState({ key, log: { status: 'error', error: toErrorInfo(error) } }),
      );
    };
    load();
    if (running) timer = window.setInterval(load, REFRESH_MS);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, [runId, jobId, key, running]);

  return state.key === key ? state.log : { status: 'loading' };
}
