// The app once it can reach the main process: header with search and "New run", runs (or hits) on
// the left, the selected run on the right (or, with none selected, the form that starts one), the keys
// that move between them, and a notification when a run starts waiting for a person. The settings load
// when first opened: the home screen does not wait for them.
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { getBridge } from '../../bridge';
import { useAppInfo } from '../../hooks/use-app-info';
import { useRuns } from '../../hooks/use-runs';
import { useWaitingNotifications } from '../../hooks/use-waiting-notifications';
import { useBenchView } from '../bench/use-bench-view';
import { connectLiveOutput } from '../../live-output-store';
import { connectLiveText } from '../../live-text-store';
import { RunAgainContext } from '../../run-again';
import { knownModels } from '../../start-input';
import { LoadingLine } from '../common/loading-line';
import { SearchBox } from '../search/search-box';
import { AppHeader } from './app-header';
import { HelpMenu } from './help-menu';
import { useListSearch } from './use-list-search';
import { useSelection } from './use-selection';
import { useStartState } from './use-start-state';
import { DetailPane, ListPane } from './workbench-panes';

const BenchView = lazy(() => import('../bench/bench-view').then((module) => ({ default: module.BenchView })));
const SettingsView = lazy(() =>
  import('../settings/settings-view').then((module) => ({ default: module.SettingsView })),
);

/** Live model text and command output, pushed by the main process, kept while the app is open. */
function useLiveStreams(): void {
  useEffect(() => {
    const bridge = getBridge();
    if (bridge === null) return undefined;
    const offText = connectLiveText(bridge);
    const offOutput = connectLiveOutput(bridge);
    return () => {
      offText();
      offOutput();
    };
  }, []);
}

export function Workbench() {
  const info = useAppInfo();
  const { runs, reload } = useRuns();
  const [settingsOpen, setSettingsOpen] = useState(false);
  const closeSettings = useCallback(() => setSettingsOpen(false), []);
  const picked = useSelection();
  const { selection, setSelection, openRun } = picked;
  const bench = useBenchView(selection);
  const start = useStartState(settingsOpen, closeSettings, setSelection);
  useLiveStreams();
  const searchRef = useRef<HTMLInputElement>(null);
  const search = useListSearch(runs, selection, setSelection, searchRef);
  const models = useMemo(() => knownModels(runs.status === 'ready' ? runs.value : []), [runs]);
  useWaitingNotifications(runs, selection?.runId ?? null, openRun);

  return (
    <RunAgainContext.Provider value={start.runAgain}>
      <div className="app">
        <WorkbenchHeader
          info={info}
          search={search}
          searchRef={searchRef}
          openRun={openRun}
          show={(what) => {
            if (what !== 'settings') closeSettings();
            if (what !== 'bench') bench.close();
            if (what === 'settings') setSettingsOpen(true);
            if (what === 'bench') bench.show();
            if (what === 'new-run') {
              start.setAgain(null);
              setSelection(null);
            }
          }}
        />
        {settingsOpen ? (
          <main className="settings-pane">
            <Suspense fallback={<LoadingLine label="Opening settings…" />}>
              <SettingsView onClose={closeSettings} />
            </Suspense>
          </main>
        ) : bench.open ? (
          <BenchPane bench={bench} openRun={openRun} />
        ) : (
          <main className="panes">
            <ListPane
              search={search}
              runs={runs}
              home={info.status === 'ready' ? info.value.home : undefined}
              picked={picked}
              reload={reload}
            />
            <DetailPane picked={picked} start={start} models={models} />
          </main>
        )}
      </div>
    </RunAgainContext.Provider>
  );
}

/** The benches in place of the panes; opening a run from one closes it. */
function BenchPane({ bench, openRun }: { bench: ReturnType<typeof useBenchView>; openRun: (runId: string) => void }) {
  return (
    <main className="bench-pane">
      <Suspense fallback={<LoadingLine label="Opening the benches…" />}>
        <BenchView
          benchId={bench.benchId}
          onPick={bench.pick}
          onOpenRun={(runId) => {
            bench.close();
            openRun(runId);
          }}
          onClose={bench.close}
        />
      </Suspense>
    </main>
  );
}

interface WorkbenchHeaderProps {
  info: ReturnType<typeof useAppInfo>;
  search: ReturnType<typeof useListSearch>;
  searchRef: RefObject<HTMLInputElement | null>;
  openRun: (runId: string) => void;
  /** Shows settings, the benches, or the form of a new run, in place of what is shown. */
  show: (what: 'settings' | 'bench' | 'new-run') => void;
}

function WorkbenchHeader({ info, search, searchRef, openRun, show }: WorkbenchHeaderProps) {
  return (
    <AppHeader info={info} onSettings={() => show('settings')} onBench={() => show('bench')}>
      <SearchBox ref={searchRef} value={search.query} onChange={search.setQuery} />
      <button type="button" className="button button-primary" data-testid="new-run" onClick={() => show('new-run')}>
        New run
      </button>
      <HelpMenu onOpenRun={openRun} />
    </AppHeader>
  );
}
