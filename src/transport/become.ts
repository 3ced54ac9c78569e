import type { HostRef } from './types.js';

/** POSIX single-quote a word for sh. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Whether privileged steps on this host go through sudo (Ansible's become). */
export function needsSudo(host: HostRef): boolean {
  return host.become && host.user !== host.becomeUser;
}

/** Exit code the password wrapper uses when sudo rejects the password. */
export const SUDO_PASSWORD_REJECTED = 125;

/**
 * `cmd` as `becomeUser` through sudo. Without a password: `sudo -n` (fails fast instead of
 * hanging on a prompt). With one: the first stdin line is the password; `sudo -S -v` reads it
 * through a shell builtin (never on a command line, so never in `ps`), then `sudo -n` runs the
 * command on the cached credential and keeps the rest of stdin for it.
 */
export function sudoCommand(cmd: string, becomeUser: string, withPassword: boolean): string {
  const run = `sudo -n -u ${shellQuote(becomeUser)} -- sh -c ${shellQuote(cmd)}`;
  if (!withPassword) return run;
  return [
    'IFS= read -r HF_P',
    `printf '%s\\n' "$HF_P" | sudo -S -p '' -v 2>/dev/null || { unset HF_P; echo 'hafleet: sudo rejected the become password' >&2; exit ${SUDO_PASSWORD_REJECTED}; }`,
    'unset HF_P',
    run,
  ].join('; ');
}

/** sudo's own words when it needs a password it was not given. */
export function sudoWantsPassword(stderr: string): boolean {
  return /^sudo: (a password is required|a terminal is required|no tty present)/m.test(stderr);
}
