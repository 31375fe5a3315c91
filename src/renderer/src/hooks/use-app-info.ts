// Loads what the header shows about this Looplab: its data folder, version and where its UI is shown.
import type { AppInfo } from '../../../shared/contract';
import type { Loadable } from './loadable';
import { useRequest } from './use-request';

export function useAppInfo(): Loadable<AppInfo> {
  return useRequest('app.info', {}).value;
}
