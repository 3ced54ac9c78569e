/** What a host should look like: the files a role renders, and what to do when they change. */

export interface DesiredFile {
  /** Absolute destination path on the host. */
  path: string;
  content: string;
  /** Octal string as Ansible writes it: `0644`, `0755`, `0600`. */
  mode: string;
  owner: string;
  group: string;
  /** Role that owns the file (`director`, `realserver`). */
  role: string;
  /**
   * Validate command with `{path}` replaced by the temporary file's path, e.g.
   * `keepalived -t -f {path}`; `nginx -t -c {nginx_conf}` style commands are expanded by apply.
   */
  validate?: string;
  /** Handler names notified when this file changes. */
  notify: string[];
  /** Strings in `content` that are secrets: masked as `********` in every diff, log and JSON. */
  secrets: string[];
}

/** A handler: one named action per service manager, run once after all files are in place. */
export interface Handler {
  name: string;
  /** Shell command per service manager the host has. */
  commands: { systemd: string; sysv: string; direct: string };
  /** Command that exits 0 when the service is healthy after the handler ran. */
  check?: string;
  /** Handlers run in this order (lower first). */
  order: number;
}

export interface HostDesired {
  host: string;
  roles: string[];
  files: DesiredFile[];
  handlers: Handler[];
  /** Directories the roles own: a file hafleet placed there earlier and no longer renders is removed. */
  managedPaths: string[];
}

export type DesiredState = Map<string, HostDesired>;
