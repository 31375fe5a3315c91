// A content field as stored: inline text, or a blob reference whose full text loads on request; the
// full text shows as plain text (with the colours a command printed), markdown or highlighted code, as
// the field's format says.
import { useState } from 'react';
import type { ErrorInfo } from '../../../../shared/errors';
import { isBlobRef, type BlobRef, type Content } from '../../../../shared/events';
import { request } from '../../bridge';
import { toErrorInfo } from '../../error-info';
import { formatSize } from '../../../../shared/format';
import { AnsiText } from './ansi-text';
import { CodeBlock } from './code-block';
import { ErrorBox } from './error-box';
import { MarkdownText } from './markdown-text';

/** How a field's full text reads: as it is, as markdown, or as code in a language (none: plain code). */
export type ContentFormat = 'text' | 'markdown' | { language: string | undefined };

interface BlobContentProps {
  content: Content;
  label?: string;
  format?: ContentFormat;
}

export function BlobContent({ content, label, format = 'text' }: BlobContentProps) {
  if (!isBlobRef(content)) {
    return (
      <div className="content-field">
        {label !== undefined && <div className="content-label">{label}</div>}
        <FullText text={content} format={format} className="content-text" />
      </div>
    );
  }
  return <BlobLoader blob={content} label={label} format={format} />;
}

export function FullText({ text, format, className }: { text: string; format: ContentFormat; className: string }) {
  if (format === 'markdown') return <MarkdownText text={text} className={className} />;
  if (format !== 'text') return <CodeBlock code={text} language={format.language} className={className} />;
  // Command output keeps the colours it was printed in; other text stays as it is.
  return <pre className={className}>{text.includes('\x1b[') ? <AnsiText text={text} /> : text}</pre>;
}

type BlobState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'ready'; text: string }
  | { status: 'error'; error: ErrorInfo };

interface BlobLoaderProps {
  blob: BlobRef;
  label: string | undefined;
  format: ContentFormat;
}

function BlobLoader({ blob, label, format }: BlobLoaderProps) {
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
        <FullText text={state.text} format={format} className="content-text blob-text" />
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
