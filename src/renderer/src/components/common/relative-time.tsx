// A time shown relative to now ("3 min ago"), with the absolute time on hover.
import { formatDateTime, formatRelative } from '../../../../shared/format';

interface RelativeTimeProps {
  time: number;
  now: number;
}

export function RelativeTime({ time, now }: RelativeTimeProps) {
  return (
    <time dateTime={new Date(time).toISOString()} title={formatDateTime(time)}>
      {formatRelative(time, now)}
    </time>
  );
}
