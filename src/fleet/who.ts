import { hostname, userInfo } from 'node:os';

/** `user@admin-host`, for locks and deploy records. */
export function whoAmI(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    /* no passwd entry: keep "unknown" */
  }
  return `${user}@${hostname()}`;
}
