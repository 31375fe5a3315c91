// The files a job wrote under outputs/, with their sizes: in the desktop app each opens in its
// program or shows in its folder; in a browser each downloads. The main side checks every path. Files a
// job writes elsewhere in the workspace are in the run's Files tab, which the list links to.
import { useState } from 'react';
import type { ErrorInfo } from '../../../../shared/errors';
import { formatSize } from '../../../../shared/format';
import type { JobArtifact } from '../../../../shared/run-jobs';
import { fileDownloadUrl, request } from '../../bridge';
import { toErrorInfo } from '../../error-info';
import { ErrorBox } from '../common/error-box';
import { ImportDialog, isImportable } from '../try/import-dialog';
import { useOpenFiles } from '../workspace/files-link';

interface ArtifactListProps {
  runId: string;
  artifacts: readonly JobArtifact[];
  /** Whether the job still runs (and may yet write its outputs). */
  running?: boolean;
}

/** Where the rest of the run's files are, with a link to the Files tab when the page has one. */
function AllFiles({ empty, running }: { empty: boolean; running: boolean }) {
  const openFiles = useOpenFiles();
  const where = empty
    ? running
      ? 'No files under outputs/ yet.'
      : 'This job saved nothing under outputs/.'
    : 'Files under outputs/.';
  return (
    <p className="muted job-empty" data-testid="artifacts-where">
      {where} The run’s other files (scripts, predictions, data) are in its workspace
      {openFiles === null ? '.' : ': '}
      {openFiles !== null && (
        <button type="button" className="link" data-testid="open-files-tab" onClick={() => openFiles()}>
          open the Files tab
        </button>
      )}
    </p>
  );
}

export function ArtifactList({ runId, artifacts, running = false }: ArtifactListProps) {
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [importing, setImporting] = useState<string | null>(null);
  if (artifacts.length === 0) return <AllFiles empty running={running} />;

  const act = (channel: 'artifacts.open' | 'artifacts.reveal', path: string) => {
    setError(null);
    request(channel, { runId, path }).catch((failure: unknown) => setError(toErrorInfo(failure)));
  };

  return (
    <>
      <ul className="artifact-list">
        {artifacts.map((artifact) => {
          const download = fileDownloadUrl(runId, artifact.path);
          return (
            <li key={artifact.seq} className="artifact" data-testid="artifact" data-path={artifact.path}>
              <span className="artifact-path mono" title={artifact.path}>
                {artifact.path}
              </span>
              <span className="artifact-size muted">{formatSize(artifact.bytes)}</span>
              {download === null ? (
                <>
                  <button type="button" className="link" onClick={() => act('artifacts.open', artifact.path)}>
                    Open
                  </button>
                  <button type="button" className="link" onClick={() => act('artifacts.reveal', artifact.path)}>
                    Show in folder
                  </button>
                </>
              ) : (
                <a className="link" href={download} download data-testid="artifact-download">
                  Download
                </a>
              )}
              {isImportable(artifact.path) && !running && (
                <button
                  type="button"
                  className="link artifact-import"
                  data-testid="artifact-import"
                  title={`Make an Ollama model from ${artifact.path.slice(0, artifact.path.lastIndexOf('/'))}`}
                  onClick={() => setImporting(artifact.path)}
                >
                  Import into Ollama
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {importing !== null && <ImportDialog runId={runId} path={importing} onClose={() => setImporting(null)} />}
      <AllFiles empty={false} running={running} />
      {error !== null && <ErrorBox error={error} />}
    </>
  );
}
