// A tool call's input as a person reads it: a command as highlighted bash, a write or edit as the
// change it makes to its file, anything else as highlighted JSON. Blob-stored arguments load in full
// first, at once or when asked.
import { memo, useState } from 'react';
import { withBlobPreviews } from '../../../../shared/describe-event';
import { blobHashes, isRecord } from '../../approval-input';
import { fileChange, type FileBefore } from '../../file-changes';
import { useResolvedInput } from '../../hooks/use-resolved-input';
import { CodeBlock } from './code-block';
import { ErrorBox } from './error-box';
import { FileChangeView } from './file-change-view';
import { LoadingLine } from './loading-line';

interface ToolCallViewProps {
  tool: string;
  args: unknown;
  before: FileBefore | undefined;
  /** Load blob-stored arguments at once (one call in view), or only when the person asks (many). */
  loadBlobs: boolean;
}

export const ToolCallView = memo(function ToolCallView({ tool, args, before, loadBlobs }: ToolCallViewProps) {
  const [asked, setAsked] = useState(false);
  if (blobHashes(args).length === 0) return <LoadedCall tool={tool} args={args} before={before} />;
  if (loadBlobs || asked) return <ResolvedCall tool={tool} args={args} before={before} />;
  return (
    <div className="content-field">
      <CodeBlock code={JSON.stringify(withBlobPreviews(args), null, 2) ?? ''} language="json" />
      <button type="button" className="button" onClick={() => setAsked(true)}>
        Load the full input
      </button>
    </div>
  );
});

function ResolvedCall({ tool, args, before }: Omit<ToolCallViewProps, 'loadBlobs'>) {
  const resolved = useResolvedInput(args);
  if (resolved.status === 'loading') return <LoadingLine label="Loading the full input…" />;
  if (resolved.status === 'error') return <ErrorBox error={resolved.error} />;
  return <LoadedCall tool={tool} args={resolved.value} before={before} />;
}

function LoadedCall({ tool, args, before }: Omit<ToolCallViewProps, 'loadBlobs'>) {
  const change = fileChange(tool, args, before);
  if (change !== undefined) return <FileChangeView change={change} />;
  if (tool === 'bash' && isRecord(args) && typeof args.command === 'string') {
    return <CodeBlock code={args.command} language="bash" />;
  }
  return <CodeBlock code={JSON.stringify(args, null, 2) ?? 'undefined'} language="json" />;
}
