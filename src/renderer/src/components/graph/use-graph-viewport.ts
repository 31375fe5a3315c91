// Where the graph looks: an overview of a finished run (graph/viewport.ts), the newest step of a live
// one while Follow is on, and a selected node brought into view. A person's pan or zoom stops both.
import { useReactFlow } from '@xyflow/react';
import { useCallback, useEffect, useEffectEvent, useMemo, useRef, useState, type RefObject } from 'react';
import type { LoopGraph } from '../../../../shared/loop-graph';
import type { LoopLayout } from '../../graph/loop-layout';
import { itemOf } from '../../graph/loop-navigation';
import { follow, overview, reveal, type Size, type Viewport } from '../../graph/viewport';

const MOVE_MS = 250;

interface ViewportInput {
  loop: LoopGraph;
  layout: LoopLayout;
  live: boolean;
  selectedId: string | null;
  size: Size;
}

/** The container's size, kept current. */
export function useSize(container: RefObject<HTMLElement | null>): Size {
  const [size, setSize] = useState<Size>({ width: 0, height: 0 });
  useEffect(() => {
    const box = container.current;
    if (box === null) return;
    const measure = () =>
      setSize((current) =>
        current.width === box.clientWidth && current.height === box.clientHeight
          ? current
          : { width: box.clientWidth, height: box.clientHeight },
      );
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(box);
    return () => observer.disconnect();
  }, [container]);
  return size;
}

export function useGraphViewport({ loop, layout, live, selectedId, size }: ViewportInput) {
  const flow = useReactFlow();
  const [ready, setReady] = useState(false);
  const [following, setFollowing] = useState(live);
  const touched = useRef(false);
  const moved = useRef(false);

  const go = useCallback(
    (target: Viewport | undefined, animate = true) => {
      if (target === undefined) return;
      const duration = animate && moved.current ? MOVE_MS : 0;
      moved.current = true;
      void flow.setViewport(target, { duration });
    },
    [flow],
  );

  const showSelected = useEffectEvent(() => {
    const item = itemOf(loop, selectedId);
    const box = item === undefined ? undefined : layout.boxes.get(item.id);
    if (box !== undefined) go(reveal(box, flow.getViewport(), size));
  });
  const newestId = loop.main.at(-1)?.id;
  const place = useEffectEvent(() => {
    const newest = newestId === undefined ? undefined : layout.boxes.get(newestId);
    if (following) go(follow(layout.bounds, newest, size, flow.getZoom()));
    // The overview is placed at once: it answers a new layout or pane size, not a step of the run.
    else if (!touched.current) go(overview(layout.bounds, size), false);
    else if (selectedId !== null) showSelected();
  });
  useEffect(() => {
    if (ready) place();
  }, [ready, following, layout, size, newestId]);

  // A run that ends while followed turns to its overview, unless the person has moved the view.
  useEffect(() => {
    if (!live && !touched.current) setFollowing(false);
  }, [live]);

  useEffect(() => {
    if (ready && selectedId !== null) showSelected();
  }, [ready, selectedId]);

  const stopFollowing = useCallback(() => {
    touched.current = true;
    setFollowing(false);
  }, []);
  const toggleFollow = useCallback(() => setFollowing((value) => !value), []);
  const showOverview = useCallback(() => {
    touched.current = true;
    setFollowing(false);
    go(overview(layout.bounds, size));
  }, [go, layout.bounds, size]);
  const onInit = useCallback(() => setReady(true), []);

  return useMemo(
    () => ({ following, stopFollowing, toggleFollow, showOverview, onInit }),
    [following, stopFollowing, toggleFollow, showOverview, onInit],
  );
}
