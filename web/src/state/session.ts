import { createCell } from './observable.js';

const KEY = 'uptime.token';

/**
 * The API token of this tab: in sessionStorage (gone when the tab closes; never in a URL, a
 * cookie or localStorage), or in memory alone where storage is refused.
 */
export const token = createCell<string | null>(read());

function read(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function signIn(value: string): void {
  try {
    sessionStorage.setItem(KEY, value);
  } catch {
    // storage refused (private mode): the token lives in memory only
  }
  signOutNotice.set(null);
  token.set(value);
}

/** Why the last session ended, when it was not the user's choice. */
export const signOutNotice = createCell<string | null>(null);

export function signOut(notice: string | null = null): void {
  signOutNotice.set(notice);
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // nothing was stored
  }
  token.set(null);
}
