// The run's files (all of its workspace, not only outputs/) as a snapshot recorded them: the latest or
// that of a chosen step, a file previewed beside the list, and what changed since an earlier step.
import { useMemo, useState, type ReactNode } from 'react';
import type { RunEvent } from '../../../../shared/events';
import { formatClock, formatSize } from '../../../../shared/format';
import type { WorkspaceEntry, WorkspaceSnapshotInfo } from '../../../../shared/workspace-files';
import { ErrorBox } from '../common/error-box';
import { LoadingLine } from '../common/loading-line';
import { comparePaths } from './paths';
import { useRequest } from '../../hooks/use-request';
import { WorkspaceChanges } from './workspace-changes';
import { WorkspacePreview } from './workspace-preview';
import './workspace.css';

interface WorkspaceBrowserProps {
  runId: string;
  events: readonly RunEvent[];
  /** A file to show first (from a link elsewhere on the page). */
  initialPath?: string | undefined;
}

type Mode = 'files' | 'changes';

/** The seq of the run's latest snapshot event, so the listing is read again when a new one is recorded. */
function latestSnapshot(events: readonly RunEvent[]): number | undefined {
  return events.findLast((event) => event.type === 'workspace.snapshot')?.seq;
}

export function WorkspaceBrowser({ runId, events, initialPath }: WorkspaceBrowserProps) {
  const latest = latestSnapshot(events);
  const [chosen, setChosen] = useState<number | undefined>(undefined);
  const [path, setPath] = useState<string | undefined>(initialPath);
  const [mode, setMode] = useState<Mode>('files');
  const [since, setSince] = useState<number | undefined>(undefined);
  const seq = chosen ?? latest;
  const { value: listing, retry } = useRequest('workspace.files', seq === undefined ? { runId } : { runId, seq });

  if (listing.status === 'loading') return <LoadingLine label="Reading the run’s files…" />;
  if (listing.status === 'error') return <ErrorBox error={listing.error} onRetry={retry} />;
  const { entries, snapshots, note, withheld } = listing.value;
  const shown = listing.value.seq;
  const earlier = snapshots.filter((snapshot) => shown !== null && snapshot.seq < shown);
  const from = since ?? earlier.at(-1)?.seq ?? 0;
  return (
    <div className="ws-browser" data-testid="workspace-browser">
      <div className="ws-toolbar">
        <SnapshotSelect
          label="Files at"
          testId="workspace-step"
          value={chosen === undefined ? 'latest' : String(chosen)}
          onChange={(value) => setChosen(value === 'latest' ? undefined : Number(value))}
          first={<option value="latest">the latest snapshot{latest === undefined ? '' : ` (#${latest})`}</option>}
          snapshots={snapshots}
        />
        <ModeTabs
          mode={mode}
          onMode={setMode}
          files={entries.filter((entry) => entry.kind === 'file').length}
          canCompare={shown !== null}
        />
        {mode === 'changes' && shown !== null && (
          <SnapshotSelect
            label="since"
            testId="workspace-since"
            value={String(from)}
            onChange={(value) => setSince(Number(value))}
            first={<option value="0">the start (no files)</option>}
            snapshots={earlier}
          />
        )}
      </div>
      {note !== undefined && <p className="muted ws-note">{note}</p>}
      {withheld.length > 0 && (
        <p className="muted ws-note">
          {`Left out of the snapshot: ${withheld.map((file) => `${file.path} (${file.reason})`).join(', ')}.`}
        </p>
      )}
      {mode === 'changes' && shown !== null ? (
        <WorkspaceChanges key={`${from}-${shown}`} runId={runId} from={from} to={shown} />
      ) : (
        <FilesView runId={runId} seq={shown} entries={entries} path={path} onPath={setPath} />
      )}
    </div>
  );
}

interface FilesViewProps {
  runId: string;
  /** The snapshot shown; null when the run has none. */
  seq: number | null;
  entries: readonly WorkspaceEntry[];
  path: string | undefined;
  onPath: (path: string) => void;
}

/** The snapshot's files, and the one picked previewed beside them. */
function FilesView({ runId, seq, entries, path, onPath }: FilesViewProps) {
  return (
    <div className="ws-body">
      <FileList entries={entries} selected={path} onSelect={onPath} />
      <div className="ws-pane">
        {path !== undefined && seq !== null && entries.some((entry) => entry.path === path && entry.kind === 'file') ? (
          <WorkspacePreview key={`${seq} ${path}`} runId={runId} path={path} seq={seq} />
        ) : (
          <p className="muted ws-note">
            {path === undefined ? 'Pick a file to preview it.' : `${path} is not in this snapshot.`}
          </p>
        )}
      </div>
    </div>
  );
}

interface SnapshotSelectProps {
  label: string;
  testId: string;
  value: string;
  onChange: (value: string) => void;
  /** The choice before the snapshots (the latest one, or the start). */
  first: ReactNode;
  snapshots: readonly WorkspaceSnapshotInfo[];
}

function SnapshotSelect({ label, testId, value, onChange, first, snapshots }: SnapshotSelectProps) {
  return (
    <label className="ws-step">
      {label}
      <select data-testid={testId} value={value} onChange={(event) => onChange(event.target.value)}>
        {first}
        {snapshots.map((snapshot) => (
          <option key={snapshot.seq} value={snapshot.seq}>
            {snapshotLabel(snapshot)}
          </option>
        ))}
      </select>
    </label>
  );
}

interface ModeTabsProps {
  mode: Mode;
  onMode: (mode: Mode) => void;
  /** How many files the snapshot holds. */
  files: number;
  /** Whether there is a snapshot to compare with earlier ones. */
  canCompare: boolean;
}

function ModeTabs({ mode, onMode, files, canCompare }: ModeTabsProps) {
  return (
    <div className="ws-modes" role="tablist" aria-label="Files or changes">
      {(['files', 'changes'] as const).map((value) => (
        <button
          key={value}
          type="button"
          role="tab"
          aria-selected={mode === value}
          className={`ws-mode${mode === value ? ' active' : ''}`}
          data-testid={`workspace-mode-${value}`}
          disabled={value === 'changes' && !canCompare}
          onClick={() => onMode(value)}
        >
          {value === 'files' ? `Files (${files})` : 'Changes'}
        </button>
      ))}
    </div>
  );
}

export function snapshotLabel(snapshot: WorkspaceSnapshotInfo): string {
  const what =
    snapshot.skipped === undefined ? `${snapshot.files} files · ${formatSize(snapshot.bytes)}` : 'not captured';
  return `#${snapshot.seq} · ${formatClock(snapshot.time)} · ${what}`;
}

function FileList({
  entries,
  selected,
  onSelect,
}: {
  entries: readonly WorkspaceEntry[];
  selected: string | undefined;
  onSelect: (path: string) => void;
}) {
  const sorted = useMemo(() => [...entries].sort((a, b) => comparePaths(a.path, b.path)), [entries]);
  if (sorted.length === 0) return <ul className="ws-files" />;
  return (
    <ul className="ws-files" data-testid="workspace-files" aria-label="Files">
      {sorted.map((entry) => {
        const depth = entry.path.split('/').length - 1;
        const name = entry.path.slice(entry.path.lastIndexOf('/') + 1);
        const style = { paddingLeft: `${8 + depth * 14}px` };
        if (entry.kind !== 'file')
          return (
            <li key={entry.path} className="ws-entry ws-folder muted" style={style} title={entry.path}>
              {entry.kind === 'dir' ? `${name}/` : `${name} → ${entry.target ?? ''}`}
            </li>
          );
        return (
          <li key={entry.path}>
            <button
              type="button"
              className={`ws-entry ws-file${entry.path === selected ? ' selected' : ''}`}
              style={style}
              data-testid="workspace-file"
              data-path={entry.path}
              title={entry.path}
              onClick={() => onSelect(entry.path)}
            >
              <span className="ws-name">{name}</span>
              <span className="muted ws-size">{formatSize(entry.size ?? 0)}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
