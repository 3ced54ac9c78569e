/**
 * Where hafleet keeps things on a host, in one place: the deploy script writes them, facts and
 * verify read them, drill signals the agent through them. A path that two parts spell on their
 * own drifts (a renamed pid file would leave facts looking at the old one, and the agent "not
 * running"). The director templates keep their literal paths (a template is read by people
 * too); test/unit/host-paths/templates.test.ts checks they spell these same values.
 */

/** hafleet's state on a host: the deploy record, backups, locks. Root's, 0700. */
export const STATE_DIR = '/var/lib/hafleet';
/** What the last deploy installed (facts read it back to tell drift from a deploy). */
export const DEPLOY_RECORD_PATH = `${STATE_DIR}/last-deploy.json`;
/**
 * On every director: which realservers may carry something of hafleet's (files a deploy placed,
 * a maintenance flag), so plan and deploy can leave the others alone (see fleet/ledger.ts).
 */
export const REALSERVER_LEDGER_PATH = `${STATE_DIR}/realservers.json`;
/** Backups live here, never beside the file: nginx would load `conf.d/x.conf.bak` twice. */
export const BACKUP_ROOT = `${STATE_DIR}/backup`;
/** The per-host deploy lock (one deploy script at a time on a host). */
export const HOST_LOCK_DIR = `${STATE_DIR}/lock`;
/** The lock directory of one cluster, by its already made-safe name (see apply's cluster lock). */
export function clusterLockPath(safeName: string): string {
  return `${STATE_DIR}/cluster-${safeName}.lock`;
}

/** The agent's runtime directory (made by templates/director/hafleet-agent.sh.hbs). */
export const AGENT_RUN_DIR = '/run/hafleet';
/** Where the agent's start script records its pid (it execs, so that is the agent's own pid). */
export const AGENT_PID_FILE = `${AGENT_RUN_DIR}/agent.pid`;
/** The agent's status file, as the start script passes it (`--status-file`). */
export const AGENT_STATUS_FILE = `${AGENT_RUN_DIR}/agent-status.json`;
/**
 * Where verify looks for the agent's status when its command line names none: the start
 * script's file first, then the RuntimeDirectory a hand-written systemd unit would give it.
 */
export const AGENT_STATUS_FILES: readonly string[] = [AGENT_STATUS_FILE, '/run/hafleet-agent/status.json'];
/** The agent's config, as the director role installs it. */
export const AGENT_CONF = '/etc/keepalived/hafleet-agent.conf';

/**
 * Day-2 state (switchover, maintenance): numbers keepalived and the agent read as `track_file`s.
 * State, not config: deploy never writes them, so a host stays in maintenance (or a VIP where a
 * switchover put it) across a deploy, a speaker restart and a reboot. In STATE_DIR, which deploy
 * makes before a speaker starts (keepalived watches the directory with inotify); a missing file
 * reads as 0 in both speakers. An agent running as its own user needs read access to them
 * (STATE_DIR is root's, 0700): see README "Day-2 operations".
 */
export const TRACK_DIR = STATE_DIR;
/** 1: this host is in maintenance (a weight-0 track_file: non-zero puts every instance in FAULT). */
export const MAINTENANCE_FILE = `${TRACK_DIR}/maintenance`;
/** Who put the host in maintenance, when and why (JSON): the speakers read only the number above. */
export const MAINTENANCE_INFO_FILE = `${TRACK_DIR}/maintenance.json`;
/** The file name stem of an instance's move file: `vrrp-move-<instance>` (names are [A-Za-z0-9_-]). */
export const VRRP_MOVE_PREFIX = `${TRACK_DIR}/vrrp-move-`;
/**
 * An instance's move file (weight 1): added to its priority on this host; −254 puts it in FAULT
 * (a master leaving that way sends priority 0: the backups wait Skew_Time only).
 */
export function vrrpMoveFile(instance: string): string {
  return `${VRRP_MOVE_PREFIX}${instance}`;
}
