// The renderer's root: the workbench when a bridge to the main process exists, else how to get one.
import { useState } from 'react';
import { getBridge } from './bridge';
import { NoSession } from './components/app/no-session';
import { Workbench } from './components/app/workbench';

export function App() {
  const [connected] = useState(() => getBridge() !== null);
  if (!connected) return <NoSession />;
  return <Workbench />;
}
