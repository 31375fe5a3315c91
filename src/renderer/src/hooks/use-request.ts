// One request's answer as a Loadable, asked again when its input changes (and on retry); an answer that
// arrives after the input moved on is dropped. A null input asks nothing.
import { useCallback, useEffect, useState } from 'react';
import type { RequestChannel } from '../../../shared/channels';
import type { RequestInput, RequestOutput } from '../../../shared/contract';
import { request } from '../bridge';
import { toErrorInfo } from '../error-info';
import { loading, type Loadable } from './loadable';

export function useRequest<C extends RequestChannel>(
  channel: C,
  input: RequestInput<C> | null,
): { value: Loadable<RequestOutput<C>>; retry: () => void } {
  const [attempt, setAttempt] = useState(0);
  const asked = input === null ? null : JSON.stringify(input);
  const key = `${channel} ${asked} ${attempt}`;
  const [loaded, setLoaded] = useState<{ key: string; value: Loadable<RequestOutput<C>> } | null>(null);
  useEffect(() => {
    if (asked === null) return undefined;
    let live = true;
    request(channel, JSON.parse(asked) as RequestInput<C>).then(
      (value) => live && setLoaded({ key, value: { status: 'ready', value } }),
      (error: unknown) => live && setLoaded({ key, value: { status: 'error', error: toErrorInfo(error) } }),
    );
    return () => {
      live = false;
    };
  }, [channel, asked, key]);
  const retry = useCallback(() => setAttempt((count) => count + 1), []);
  return { value: loaded?.key === key ? loaded.value : loading, retry };
}
