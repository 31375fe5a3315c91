// The model's words as they stream, under the timeline, until its reply is recorded as an event.
import { useEffect, useRef } from 'react';
import { useLiveText } from '../../hooks/use-live-text';

interface LiveTextProps {
  runId: string;
  live: boolean;
  onStreamingChange: (streaming: boolean) => void;
}

export function LiveText({ runId, live, onStreamingChange }: LiveTextProps) {
  const text = useLiveText(runId);
  const streaming = live && text !== '';
  const ref = useRef<HTMLPreElement>(null);

  useEffect(() => onStreamingChange(streaming), [streaming, onStreamingChange]);
  useEffect(() => {
    const box = ref.current;
    if (box !== null) box.scrollTop = box.scrollHeight;
  }, [text]);

  if (!streaming) return null;
  return (
    <div className="live-text" data-testid="live-text">
      <div className="live-text-label">
        <span className="live-dot" aria-hidden="true" />
        The model is writing…
      </div>
      <pre ref={ref} className="live-text-body">
        {text}
        <span className="caret" aria-hidden="true" />
      </pre>
    </div>
  );
}
