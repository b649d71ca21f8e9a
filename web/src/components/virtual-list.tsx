import type { VNode } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';

interface VirtualListProps<T> {
  readonly items: readonly T[];
  readonly rowHeight: number;
  readonly keyOf: (item: T) => string;
  readonly renderRow: (item: T, index: number) => VNode;
  /** The rows now on screen (without overscan), after each change. */
  readonly onVisible?: (items: readonly T[]) => void;
  /** Rows rendered beyond each edge, so that Tab and small scrolls find them ready. */
  readonly overscan?: number;
  readonly label: string;
  readonly header: VNode;
}

/**
 * A scrolling table that puts only the rows in view (plus `overscan`) in the DOM, each at its
 * offset, so that 10,000 rows cost what 30 do.
 */
export function VirtualList<T>(props: VirtualListProps<T>) {
  const { items, rowHeight, overscan = 8 } = props;
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);

  useLayoutEffect(() => {
    const el = box.current;
    if (el === null) return;
    setHeight(el.clientHeight);
    const observer = new ResizeObserver(() => {
      setHeight(el.clientHeight);
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
    };
  }, []);

  const first = Math.min(Math.floor(scrollTop / rowHeight), Math.max(0, items.length - 1));
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / rowHeight));
  const from = Math.max(0, first - overscan);
  const to = Math.min(items.length, last + overscan);

  const { onVisible } = props;
  useEffect(() => {
    onVisible?.(items.slice(first, last));
  }, [items, first, last, onVisible]);

  const frame = useRef(0);
  const onScroll = (e: Event): void => {
    const top = (e.currentTarget as HTMLDivElement).scrollTop;
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => {
      setScrollTop(top);
    });
  };

  const rows: VNode[] = [];
  for (let i = from; i < to; i++) {
    const item = items[i];
    if (item === undefined) continue;
    rows.push(
      <div
        key={props.keyOf(item)}
        class="vrow"
        role="row"
        aria-rowindex={i + 2}
        style={{ transform: `translateY(${i * rowHeight}px)`, height: `${rowHeight}px` }}
      >
        {props.renderRow(item, i)}
      </div>,
    );
  }

  return (
    <div class="vtable" role="table" aria-label={props.label} aria-rowcount={items.length + 1}>
      {props.header}
      <div class="vbody" ref={box} onScroll={onScroll} role="rowgroup">
        <div class="vspacer" style={{ height: `${items.length * rowHeight}px` }}>
          {rows}
        </div>
      </div>
    </div>
  );
}
