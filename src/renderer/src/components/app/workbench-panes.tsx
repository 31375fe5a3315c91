// The workbench's two panes: on the left the runs (or, while searching, the hits); on the right the
// comparison, the selected run, or with neither the start column. The run view and the comparison
// load when first opened: the home screen does not wait for them.
import { lazy, Suspense, useMemo } from 'react';
import type { RunSummary } from '../../../../shared/run-summary';
import type { Loadable } from '../../hooks/loadable';
import { LoadingLine } from '../common/loading-line';
import { RunList } from '../run-list/run-list';
import { SearchResults } from '../search/search-results';
import { StartColumn } from './start-column';
import type { ListSearch } from './use-list-search';
import type { SelectionState } from './use-selection';
import type { StartState } from './use-start-state';

const RunDetail = lazy(() => import('../run/run-detail').then((module) => ({ default: module.RunDetail })));
const CompareView = lazy(() => import('../compare/compare-view').then((module) => ({ default: module.CompareView })));

interface ListPaneProps {
  search: ListSearch;
  runs: Loadable<RunSummary[]>;
  home: string | undefined;
  picked: SelectionState;
  reload: () => void;
}

export function ListPane({ search, runs, home, picked, reload }: ListPaneProps) {
  const runsById = useMemo(
    () => new Map(runs.status === 'ready' ? runs.value.map((run) => [run.id, run] as const) : []),
    [runs],
  );
  const { selection, compareIds } = picked;
  return (
    <section className="pane pane-list" aria-label={search.searching ? 'Search results' : 'Runs'}>
      {search.searching ? (
        <SearchResults
          query={search.trimmed}
          hits={search.hits}
          selected={selection}
          runs={runsById}
          onOpen={picked.openHit}
        />
      ) : (
        <RunList
          runs={runs}
          home={home}
          selectedRunId={selection?.runId ?? null}
          onSelect={picked.openRun}
          onRetry={reload}
          compareIds={compareIds}
          onToggleCompare={picked.toggleCompare}
          onCompare={() => picked.setComparing([compareIds[0]!, compareIds[1]!])}
          onDeleted={(runId) => {
            if (selection?.runId === runId) picked.setSelection(null);
            picked.dropCompare(runId);
            reload();
          }}
        />
      )}
    </section>
  );
}

interface DetailPaneProps {
  picked: SelectionState;
  start: StartState;
  models: string[];
}

export function DetailPane({ picked, start, models }: DetailPaneProps) {
  const { comparing, selection, openRun } = picked;
  let content;
  if (comparing !== null) {
    content = (
      <Suspense fallback={<LoadingLine label="Comparing…" />}>
        <CompareView a={comparing[0]} b={comparing[1]} onOpenRun={openRun} onClose={() => picked.setComparing(null)} />
      </Suspense>
    );
  } else if (selection === null) {
    content = (
      <StartColumn
        again={start.again}
        draft={start.draft}
        onDraft={start.setDraft}
        models={models}
        onStarted={start.onStarted}
        onOpenRun={openRun}
        onCancelAgain={() => start.setAgain(null)}
      />
    );
  } else {
    content = (
      <Suspense fallback={<LoadingLine label="Loading run…" />}>
        <RunDetail
          key={selection.runId}
          runId={selection.runId}
          focusSeq={selection.seq}
          onOpenRun={openRun}
          onStep={picked.onStep}
        />
      </Suspense>
    );
  }
  return (
    <section className="pane pane-detail" aria-label="Run detail">
      {content}
    </section>
  );
}
