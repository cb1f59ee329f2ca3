// Width of an element, tracked with a ResizeObserver, so charts fill their panel. A callback ref,
// so an element that mounts later (after an empty state) is measured too.
import { useCallback, useEffect, useState } from 'react';

export function useWidth<T extends HTMLElement>(fallback = 640): [(el: T | null) => void, number] {
  const [el, setEl] = useState<T | null>(null);
  const [width, setWidth] = useState(fallback);
  const ref = useCallback((node: T | null) => setEl(node), []);
  useEffect(() => {
    if (!el) return;
    const ro = new ResizeObserver(([e]) => setWidth(Math.floor(e.contentRect.width) || fallback));
    ro.observe(el);
    return () => ro.disconnect();
  }, [el, fallback]);
  return [ref, width];
}
