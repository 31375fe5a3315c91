// Loads what the header shows about this Looplab: its data folder, version and where its UI is shown.
import { useEffect, useState } from 'react';
import type { AppInfo } from '../../../shared/contract';
import { request } from '../bridge';
import { toErrorInfo } from '../error-info';
import { loading, type Loadable } from './loadable';

export function useAppInfo(): Loadable<AppInfo> {
  const [info, setInfo] = useState<Loadable<AppInfo>>(loading);
  useEffect(() => {
    let live = true;
    request('app.info', {}).then(
      (value) => live && setInfo({ status: 'ready', value }),
      (error: unknown) => live && setInfo({ status: 'error', error: toErrorInfo(error) }),
    );
    return () => {
      live = false;
    };
  }, []);
  return info;
}
