import { useEffect, useState } from 'preact/hooks';

/** A value that components can watch. */
export interface Observable<T> {
  get(): T;
  subscribe(listener: () => void): () => void;
}

export interface Cell<T> extends Observable<T> {
  set(value: T): void;
}

export function createCell<T>(initial: T): Cell<T> {
  let value = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => value,
    set(next) {
      if (Object.is(next, value)) return;
      value = next;
      for (const listener of [...listeners]) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The observable's value, re-rendering the component when it changes. */
export function useObservable<T>(observable: Observable<T>): T {
  const [, setTick] = useState(0);
  useEffect(() => {
    const update = (): void => {
      setTick((n) => n + 1);
    };
    const stop = observable.subscribe(update);
    update();
    return stop;
  }, [observable]);
  return observable.get();
}
