/** What is on a host now. Gathered in one remote command per host where possible. */

export type ServiceManager = 'systemd' | 'sysv' | 'direct';

export interface FileFact {
  path: string;
  /** null when the file does not exist. */
  content: string | null;
  sha256: string | null;
  /** Octal string `0644`, as Ansible prints it. */
  mode: string | null;
  owner: string | null;
  group: string | null;
}

export interface AddressFact {
  dev: string;
  address: string;
  prefix: number;
  family: 'inet' | 'inet6';
  label?: string;
}

export interface HostFacts {
  host: string;
  serviceManager: ServiceManager;
  /** Running daemons by name (`keepalived`, `nginx`, `hafleet-agent`) → pids. */
  processes: Record<string, number[]>;
  files: Record<string, FileFact>;
  addresses: AddressFact[];
  /** Live sysctl values asked for, e.g. `net.ipv4.conf.all.arp_ignore` → "1". */
  sysctls: Record<string, string>;
  /** Which tools exist on the host (`keepalived`, `nginx`, `systemctl`, `sudo`). */
  tools: Record<string, boolean>;
  /** The last deploy record hafleet left on the host, if any (see apply). */
  lastDeploy: DeployRecord | null;
  /**
   * The regular files found in each requested managed directory (absent directory: `[]`).
   * Each of them also has an entry in `files`.
   */
  managedFiles?: Record<string, string[]>;
  /**
   * Raw output of the request's `probes`, by name (see FactsRequest.probes): parsed by the part
   * that asked, so facts need not know keepalived's dumps.
   */
  probes?: Record<string, string>;
  /** hafleet's maintenance flag on the host (MAINTENANCE_FILE): true when it holds a non-zero number. */
  maintenance?: boolean;
  /**
   * A director's ledger of the realservers that may carry something of hafleet's (REALSERVER_LEDGER_PATH),
   * raw: parsed by the fleet layer. Absent when the file is (and on hosts read record-only).
   */
  realserverLedger?: { text: string; sha256: string };
  /**
   * `record`: only the deploy record was read (the host's roles render no file here), so
   * files, processes, tools and addresses are empty, not absent. `ledger`: the host was not
   * contacted at all — every director's ledger says hafleet keeps nothing there (no file, no
   * maintenance flag) and its roles render no file: everything is empty, nothing was read.
   */
  readScope?: 'record' | 'files' | 'ledger';
  /** With readScope `ledger`: why the host was not contacted (plan prints it). */
  notContacted?: string;
}

/**
 * Why a host's facts could not be read, as much as the planner needs to say so (a transport's
 * failures fit it): facts carry their own outcome, so the planner knows facts, not connections.
 */
export interface FactsFailure {
  /** `unreachable`, `timeout` and `aborted` make the host unreachable; any other kind failed. */
  kind: string;
  host: string;
  message: string;
  hint?: string;
}

export type FactsOutcome = { ok: true; value: HostFacts } | { ok: false; failure: FactsFailure };

export interface DeployRecord {
  at: string;          // ISO time
  by: string;          // user@admin-host
  planId: string;
  files: { path: string; sha256: string }[];
}

/** What to read: the planner asks for the managed paths; verify adds sysctls. */
export interface FactsRequest {
  paths: string[];
  /** Directories whose files hafleet placed earlier (to find files to remove). */
  managedDirs: string[];
  sysctls: string[];
  /** The inventory's `service_manager`: wins over what the host looks like (detection still runs). */
  serviceManager?: ServiceManager;
  /**
   * Read the deploy record alone: for a host whose roles render nothing, the only thing a plan
   * can need from it is what an earlier deploy placed (to remove it). No tool, process or
   * address probe runs: one sh and one base64 on the host.
   */
  recordOnly?: boolean;
  /**
   * Read the requested files (and the deploy record) but not the host's tools, processes or
   * addresses: `status` watches a realserver only for drift, every few seconds, and the rest
   * would be bytes sent, parsed and thrown away each round. Probes still run.
   */
  filesOnly?: boolean;
  /**
   * Read files' checksums and modes but not their content (default: content too). `status`
   * watches drift every few seconds: a sha256 says whether a file changed, its base64 would be
   * the bulk of every round.
   */
  contents?: boolean;
  /**
   * More sections of the same remote command, each run in a subshell after the facts and kept
   * raw in `HostFacts.probes[name]`: verify's speaker probe and status's transition log ride on
   * the facts script, so a host costs one round trip. The script is hafleet's own shell text
   * (inventory values in it are quoted by its builder); the name is `[a-z][a-z0-9-]*`.
   */
  probes?: { name: string; script: string }[];
}
