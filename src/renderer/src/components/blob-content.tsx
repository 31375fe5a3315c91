// A content field as stored: inline text, or a blob reference whose full text loads on request.
import { useState } from 'react';
import type { ErrorInfo } from '../../../shared/errors';
import { isBlobRef, type BlobRef, type Content } from '../../../shared/events';
import { request } from '../bridge';
import { toErrorInfo } from '../error-info';
import { formatSize } from '../../../shared/format';
import { ErrorBox } from './error-box';

interface BlobContentProps {
  content: Content;
  label?: string;
}

export function BlobContent({ content, label }: BlobContentProps) {
  if (!isBlobRef(content)) {
    return (
      <div className="content-field">
        {label !== undefined && <div className="content-label">{label}</div>}
        <pre className="content-text">{content}</pre>
      </div>
    );
  }
  return <BlobLoader blob={content} label={label} />;
}

type BlobState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'ready'; text: string }
  | { status: 'error'; error: ErrorInfo };

function BlobLoader({ blob, label }: { blob: BlobRef; label: string | undefined }) {
  const [state, setState] = useState<BlobState>({ status: 'idle' });

  function load(): void {
    setState({ status: 'loading' });
    request('blobs.get', { hash: blob.$blob }).then(
      ({ text }) => setState({ status: 'ready', text }),
      (error: unknown) => setState({ status: 'error', error: toErrorInfo(error) }),
    );
  }

  return (
    <div className="content-field blob">
      {label !== undefined && <div className="content-label">{label}</div>}
      {state.status === 'ready' ? (
        <pre className="content-text blob-text">{state.text}</pre>
      ) : (
        <>
          <pre className="content-text blob-preview">{blob.preview}…</pre>
          <button type="button" className="button" disabled={state.status === 'loading'} onClick={load}>
            {state.status === 'loading' ? 'Loading…' : `Load full text (${formatSize(blob.size)})`}
          </button>
        </>
      )}
      {state.status === 'error' && <ErrorBox error={state.error} onRetry={load} />}
    </div>
  );
}
