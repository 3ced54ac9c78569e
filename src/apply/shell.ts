/** Building blocks of the remote bash scripts: quoting and files carried inside the script. */

/** Single-quoted for bash: safe for any byte string. */
export function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Write `content` to `path` from inside the script: base64 in a quoted here-document, so any
 * byte survives and nothing is expanded. The script is fed on stdin, never on a command line.
 */
export function writeFileLines(path: string, content: string | Buffer): string[] {
  const b64 = Buffer.from(content).toString('base64').replace(/.{1,76}/g, '$&\n');
  return [`base64 -d > ${q(path)} <<'HAFLEET_B64'`, b64 + 'HAFLEET_B64'];
}

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Every remote script runs with this umask: whatever it creates (validation copies, staged temps,
 * the deploy record) holds secrets such as auth_pass and is root's alone until it is given its
 * final mode on purpose. A directory that must stay traversable is made in a `(umask 022 …)`.
 */
export const UMASK = '077';

/**
 * A handler may start a daemon (direct service manager, the agent's wrapper): the daemon gets
 * the system's usual umask, not ours, so the files it makes for its workers stay usable.
 */
export const DAEMON_UMASK = '022';

/**
 * Wrap a script body so bash parses all of it before running any of it (a dropped connection
 * cannot cut the script in half), and so a hang-up or a broken pipe does not stop it: once it
 * started, it finishes or rolls back on its own.
 */
export function wrapScript(body: string[]): string {
  return ['hafleet_main() {', "trap '' HUP PIPE", 'set -u', `umask ${UMASK}`, ...body, '}', 'hafleet_main', ''].join('\n');
}

/** Lines printed by our scripts start with this marker; anything else is a tool's own output. */
export const MARK = '@@hafleet';
