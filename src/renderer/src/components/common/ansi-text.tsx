// Text as a terminal printed it, its colour codes shown as colours: segments become spans with theme
// classes (see ansi.css), never HTML.
import { memo, useMemo, type CSSProperties } from 'react';
import { ansiSegments, type AnsiColor, type AnsiSegment } from '../../ansi';
import './ansi.css';

function colorClass(layer: 'fg' | 'bg', color: AnsiColor | undefined): string | undefined {
  if (color === undefined) return undefined;
  return 'name' in color ? `ansi-${layer}-${color.name}` : `ansi-${layer}-rgb`;
}

function classOf(segment: AnsiSegment): string | undefined {
  const classes = [
    colorClass('fg', segment.fg),
    colorClass('bg', segment.bg),
    segment.bold && 'ansi-bold',
    segment.dim && 'ansi-dim',
    segment.italic && 'ansi-italic',
    segment.underline && 'ansi-underline',
    segment.strike && 'ansi-strike',
  ].filter((name): name is string => typeof name === 'string');
  return classes.length === 0 ? undefined : classes.join(' ');
}

function styleOf(segment: AnsiSegment): CSSProperties | undefined {
  const style: Record<string, string> = {};
  if (segment.fg !== undefined && 'rgb' in segment.fg) style['--ansi-fg'] = `rgb(${segment.fg.rgb})`;
  if (segment.bg !== undefined && 'rgb' in segment.bg) style['--ansi-bg'] = `rgb(${segment.bg.rgb})`;
  return Object.keys(style).length === 0 ? undefined : (style as CSSProperties);
}

export const AnsiText = memo(function AnsiText({ text }: { text: string }) {
  const segments = useMemo(() => ansiSegments(text), [text]);
  return (
    <>
      {segments.map((segment, index) => {
        const className = classOf(segment);
        const style = styleOf(segment);
        if (className === undefined && style === undefined) return segment.text;
        return (
          <span key={index} className={className} style={style}>
            {segment.text}
          </span>
        );
      })}
    </>
  );
});
