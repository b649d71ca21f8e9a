import type { ComponentChildren } from 'preact';
import { createCell, useObservable } from './state/observable.js';

const path = createCell(location.pathname);
addEventListener('popstate', () => {
  path.set(location.pathname);
});

export function navigate(to: string, replace = false): void {
  if (to === location.pathname) return;
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  path.set(location.pathname);
  scrollTo(0, 0);
}

export function usePath(): string {
  return useObservable(path);
}

interface LinkProps {
  readonly href: string;
  readonly class?: string;
  readonly 'aria-current'?: 'page' | undefined;
  readonly children?: ComponentChildren;
}

/** An ordinary link (it opens in a new tab too) that navigates in place on a plain click. */
export function Link({ href, children, ...rest }: LinkProps) {
  const onClick = (e: MouseEvent): void => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) {
      return;
    }
    e.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}
