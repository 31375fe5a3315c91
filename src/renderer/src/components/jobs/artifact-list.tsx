// The files a job wrote under outputs/, with their sizes: in the desktop app each opens in its
// program or shows in its folder; in a browser each downloads. The main side checks every path.
import { useState } from 'react';
import type { ErrorInfo } from '../../../../shared/errors';
import { formatSize } from '../../../../shared/format';
import type { JobArtifact } from '../../../../shared/run-jobs';
import { fileDownloadUrl, request } from '../../bridge';
import { toErrorInfo } from '../../error-info';
import { ErrorBox } from '../common/error-box';

interface ArtifactListProps {
  runId: string;
  artifacts: readonly JobArtifact[];
}

export function ArtifactList({ runId, artifacts }: ArtifactListProps) {
  const [error, setError] = useState<ErrorInfo | null>(null);
  if (artifacts.length === 0) return <p className="muted job-empty">No files under outputs/ yet.</p>;

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
            </li>
          );
        })}
      </ul>
      {error !== null && <ErrorBox error={error} />}
    </>
  );
}
