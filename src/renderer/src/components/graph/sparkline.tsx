// A metric's course in a few pixels: a line through its values, the last one marked. One value has
// no course: the node shows the number alone.
import { memo } from 'react';

const WIDTH = 64;
const HEIGHT = 18;
const PAD = 2;

export const Sparkline = memo(function Sparkline({ values }: { values: readonly number[] }) {
  if (values.length < 2) return null;
  const low = Math.min(...values);
  const high = Math.max(...values);
  const span = high - low || 1;
  const step = (WIDTH - 2 * PAD) / (values.length - 1);
  const points = values.map((value, index) => {
    const x = PAD + index * step;
    const y = high === low ? HEIGHT / 2 : PAD + (1 - (value - low) / span) * (HEIGHT - 2 * PAD);
    return [x, y] as const;
  });
  const [lastX, lastY] = points.at(-1)!;
  return (
    <svg
      className="graph-sparkline"
      width={WIDTH}
      height={HEIGHT}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      aria-hidden="true"
    >
      <polyline points={points.map(([x, y]) => `${x},${y}`).join(' ')} />
      <circle cx={lastX} cy={lastY} r={2.2} />
    </svg>
  );
});
