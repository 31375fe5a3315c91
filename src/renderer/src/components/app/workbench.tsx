// The app once it can reach the main process: header with search and "New run", runs (or hits) on
// the left, the selected run on the right (or, with none selected, the form that starts one), the keys
// that move between them, and a notification when a run starts waiting for a person. The run view,
// the comparison and the settings load when first opened: the home screen does not wait for them.
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { SearchHit } from '../../../../shared/contract';
import type { RunSummary } from '../../../../shared/run-summary';
import { getBridge, request } from '../../bridge';
import { useAppInfo } from '../../hooks/use-app-info';
import { useDebouncedValue } from '../../hooks/use-debounced-value';
import { useKeyboardShortcuts } from '../../hooks/use-keyboard-shortcuts';
import { useRuns } from '../../hooks/use-runs';
import { useSearch } from '../../hooks/use-search';
import { useWaitingNotifications } from '../../hooks/use-waiting-notifications';
import { connectLiveOutput } from '../../live-output-store';
import { connectLiveText } from '../../live-text-store';
import { DEFAULT_MODEL, initialStartValues, knownModels } from '../../start-input';
import { AppHeader } from './app-header';
import { useRoute, type Selection } from './route';
import { RunList } from '../run-list/run-list';
import { SearchBox } from '../search/search-box';
import { SearchResults } from '../search/search-results';
import { HelpMenu } from './help-menu';
import { SpecLauncher } from '../start/spec-launcher';
import { StartRunForm } from '../start/start-run-form';
import { RunAgainContext, type RunAgain } from '../../run-again';

import { LoadingLine } from '../common/loading-line';

const SEARCH_DELAY_MS = 200;

const RunDetail = lazy(() => import('../run/run-detail').then((module) => ({ default: module.RunDetail })));
const CompareView = lazy(() => import('../compare/compare-view').then((module) => ({ default: module.CompareView })));
const SettingsView = lazy(() =>
  import('../settings/settings-view').then((module) => ({ default: module.SettingsView })),
);

export type { Selection } from './route';

export function Workbench() {
  const info = useAppInfo();
  const { runs, reload } = useRuns();
  const [query, setQuery] = useState('');
  const [selection, navigate] = useRoute();
  const [draft, setDraft] = useState(initialStartValues);
  const [again, setAgain] = useState<RunAgain | null>(null);
  const [settingsOpen, setSettingsOpen] = useState(false);
  // The start form's model follows the settings' default model until the person types another.
  const settingsModel = useRef(DEFAULT_MODEL);
  useEffect(() => {
    if (settingsOpen) return;
    request('settings.get', {}).then(
      ({ settings, overrides }) => {
        if (overrides.defaultModel !== undefined) return;
        const previous = settingsModel.current;
        settingsModel.current = settings.defaultModel;
        setDraft((current) =>
          current.model === previous || current.model === '' ? { ...current, model: settings.defaultModel } : current,
        );
      },
      () => undefined,
    );
  }, [settingsOpen]);
  const [compareIds, setCompareIds] = useState<string[]>([]);
  const [comparing, setComparing] = useState<[string, string] | null>(null);
  // Opening a run (from the list, a search hit, a link or the keys) or a new run leaves the comparison.
  const setSelection = useCallback(
    (next: Selection | null) => {
      setComparing(null);
      navigate(next);
    },
    [navigate],
  );
  // A step selected in the run's graph names itself in the address without a history entry of its own.
  const onStep = useCallback(
    (runId: string, seq: number | undefined) => navigate(seq === undefined ? { runId } : { runId, seq }, 'replace'),
    [navigate],
  );
  // Picking a third run drops the oldest pick: two are compared.
  const toggleCompare = useCallback(
    (runId: string) =>
      setCompareIds((ids) => (ids.includes(runId) ? ids.filter((id) => id !== runId) : [...ids, runId].slice(-2))),
    [],
  );
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
  const searchRef = useRef<HTMLInputElement>(null);
  const models = useMemo(() => knownModels(runs.status === 'ready' ? runs.value : []), [runs]);
  const runsById = useMemo(
    () => new Map(runs.status === 'ready' ? runs.value.map((run) => [run.id, run] as const) : []),
    [runs],
  );

  const trimmed = query.trim();
  const searchQuery = useDebouncedValue(trimmed, SEARCH_DELAY_MS);
  const settled = searchQuery === trimmed;
  const hits = useSearch(trimmed === '' ? '' : searchQuery);
  const searching = trimmed !== '';

  function navigable(): Selection[] {
    if (searching) return hits?.status === 'ready' && settled ? hits.value : [];
    return runs.status === 'ready' ? runs.value.map((run) => ({ runId: run.id })) : [];
  }

  function move(delta: 1 | -1): void {
    const items = navigable();
    if (items.length === 0) return;
    const index = items.findIndex(
      (item) => item.runId === selection?.runId && (!searching || item.seq === selection.seq),
    );
    const next =
      index < 0 ? (delta > 0 ? 0 : items.length - 1) : Math.min(items.length - 1, Math.max(0, index + delta));
    const item = items[next]!;
    setSelection({ runId: item.runId, seq: item.seq });
  }

  useKeyboardShortcuts({
    focusSearch: () => searchRef.current?.focus(),
    clearSearch: () => {
      if (query === '') searchRef.current?.blur();
      setQuery('');
    },
    move,
    isSearchField: (element) => element === searchRef.current,
  });

  const openHit = useCallback((hit: SearchHit) => setSelection({ runId: hit.runId, seq: hit.seq }), [setSelection]);
  const openRun = useCallback((runId: string) => setSelection({ runId }), [setSelection]);
  const onStarted = useCallback(
    (run: RunSummary) => {
      setDraft((current) => ({ ...current, goal: '' }));
      setAgain(null);
      setSelection({ runId: run.id });
    },
    [setSelection],
  );
  const runAgain = useCallback(
    (next: RunAgain) => {
      setAgain(next);
      // A spec's run again is in the launcher below; the goal form is left for a plain run.
      setDraft((current) => ({
        ...current,
        goal: next.spec === undefined ? next.goal : current.goal,
        model: next.model,
      }));
      setSettingsOpen(false);
      setSelection(null);
    },
    [setSelection],
  );
  const launcherPreset = useMemo(
    () => (again?.spec === undefined ? undefined : { ...again.spec, parent: again.parent }),
    [again],
  );
  useWaitingNotifications(runs, selection?.runId ?? null, openRun);
  const home = info.status === 'ready' ? info.value.home : undefined;

  return (
    <RunAgainContext.Provider value={runAgain}>
      <div className="app">
        <AppHeader info={info} onSettings={() => setSettingsOpen(true)}>
          <SearchBox ref={searchRef} value={query} onChange={setQuery} />
          <button
            type="button"
            className="button button-primary"
            data-testid="new-run"
            onClick={() => {
              setSettingsOpen(false);
              setAgain(null);
              setSelection(null);
            }}
          >
            New run
          </button>
          <HelpMenu onOpenRun={openRun} />
        </AppHeader>
        {settingsOpen ? (
          <main className="settings-pane">
            <Suspense fallback={<LoadingLine label="Opening settings…" />}>
              <SettingsView onClose={() => setSettingsOpen(false)} />
            </Suspense>
          </main>
        ) : (
          <main className="panes">
            <section className="pane pane-list" aria-label={searching ? 'Search results' : 'Runs'}>
              {searching ? (
                <SearchResults
                  query={trimmed}
                  hits={settled ? hits : null}
                  selected={selection}
                  runs={runsById}
                  onOpen={openHit}
                />
              ) : (
                <RunList
                  runs={runs}
                  home={home}
                  selectedRunId={selection?.runId ?? null}
                  onSelect={openRun}
                  onRetry={reload}
                  compareIds={compareIds}
                  onToggleCompare={toggleCompare}
                  onCompare={() => setComparing([compareIds[0]!, compareIds[1]!])}
                  onDeleted={(runId) => {
                    if (selection?.runId === runId) setSelection(null);
                    setCompareIds((ids) => ids.filter((id) => id !== runId));
                    reload();
                  }}
                />
              )}
            </section>
            <section className="pane pane-detail" aria-label="Run detail">
              {comparing !== null ? (
                <Suspense fallback={<LoadingLine label="Comparing…" />}>
                  <CompareView
                    a={comparing[0]}
                    b={comparing[1]}
                    onOpenRun={openRun}
                    onClose={() => setComparing(null)}
                  />
                </Suspense>
              ) : selection === null ? (
                <div className="start-column">
                  {again !== null && (
                    <p className="run-again-note" data-testid="run-again-note">
                      Running again{' '}
                      <button type="button" className="link mono" onClick={() => openRun(again.parent)}>
                        {again.parent}
                      </button>
                      {again.spec === undefined
                        ? ': change the goal, model or limits below, then start.'
                        : `: loop spec ${again.spec.name} below, with its parameters; change them or the model, then run.`}{' '}
                      <button
                        type="button"
                        className="link"
                        data-testid="run-again-cancel"
                        onClick={() => setAgain(null)}
                      >
                        Cancel
                      </button>
                    </p>
                  )}
                  <StartRunForm
                    values={draft}
                    onChange={setDraft}
                    models={models}
                    onStarted={onStarted}
                    parent={again !== null && again.spec === undefined ? again.parent : undefined}
                  />
                  <SpecLauncher
                    key={
                      launcherPreset === undefined ? 'specs' : `again:${launcherPreset.parent}:${launcherPreset.name}`
                    }
                    model={draft.model}
                    onStarted={onStarted}
                    preset={launcherPreset}
                  />
                </div>
              ) : (
                <Suspense fallback={<LoadingLine label="Loading run…" />}>
                  <RunDetail
                    key={selection.runId}
                    runId={selection.runId}
                    focusSeq={selection.seq}
                    onOpenRun={openRun}
                    onStep={onStep}
                  />
                </Suspense>
              )}
            </section>
          </main>
        )}
      </div>
    </RunAgainContext.Provider>
  );
}
