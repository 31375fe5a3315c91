// An edge drawn along the path the layout routed for it (graph/loop-layout.ts), with rounded corners;
// a retry carries its word at the turn back into the loop.
import { BaseEdge, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import type { Point, RouteFlowEdge } from '../../graph/flow-elements';

const RADIUS = 8;

/** A polyline through the points with each corner rounded off. */
export function roundedPath(points: readonly Point[]): string {
  if (points.length === 0) return '';
  let path = `M ${points[0]!.x} ${points[0]!.y}`;
  for (let index = 1; index < points.length - 1; index++) {
    const [before, corner, after] = [points[index - 1]!, points[index]!, points[index + 1]!];
    const inLength = Math.hypot(corner.x - before.x, corner.y - before.y);
    const outLength = Math.hypot(after.x - corner.x, after.y - corner.y);
    const radius = Math.min(RADIUS, inLength / 2, outLength / 2);
    const start = toward(corner, before, radius, inLength);
    const end = toward(corner, after, radius, outLength);
    path += ` L ${start.x} ${start.y} Q ${corner.x} ${corner.y} ${end.x} ${end.y}`;
  }
  const last = points.at(-1)!;
  return `${path} L ${last.x} ${last.y}`;
}

function toward(from: Point, to: Point, distance: number, length: number): Point {
  if (length === 0) return from;
  return { x: from.x + ((to.x - from.x) * distance) / length, y: from.y + ((to.y - from.y) * distance) / length };
}

export const RouteEdge = memo(function RouteEdge({ id, data, markerEnd, style }: EdgeProps<RouteFlowEdge>) {
  const points = data?.points ?? [];
  const label = data?.label;
  const labelAt = points.length > 3 ? { x: (points[2]!.x + points[3]!.x) / 2, y: points[2]!.y } : undefined;
  return (
    <>
      <BaseEdge id={id} path={roundedPath(points)} markerEnd={markerEnd} style={style} />
      {label !== undefined && labelAt !== undefined && (
        <text className="graph-edge-label" x={labelAt.x} y={labelAt.y - 5} textAnchor="middle">
          ↺ {label}
        </text>
      )}
    </>
  );
});
