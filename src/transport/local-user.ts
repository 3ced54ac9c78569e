import { userInfo } from 'node:os';

/**
 * The user ssh would log in as when nothing names one: this process's user, or `fallback` (the
 * CLI passes $USER) when the passwd database has no entry for it (containers), else root.
 */
export function localUserName(fallback?: string): string {
  try {
    return userInfo().username;
  } catch {
    return fallback ?? 'root';
  }
}
