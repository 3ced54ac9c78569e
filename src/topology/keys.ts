/**
 * The hafleet variables as one table: the single source of truth for the type checks in
 * buildTopology, lint's unknown-key rule (did-you-mean) and schema/inventory.schema.json (generated
 * from this table by json-schema.ts; a unit test keeps the file in step, and another keeps
 * docs/reference.md in step).
 */
import type { StringFormat } from './formats.js';

interface Common {
  doc: string;
  /** Shown in the JSON schema and the docs; the builder's defaults live in defaults.ts. */
  default?: unknown;
  /** keepalived/nginx directive the value becomes. */
  directive?: string;
  /** Lint code that checks this key's range itself (the generic value-range rule skips it). */
  ownRule?: string;
}
export type KeySpec =
  /** `format`: a named type of formats.ts; every string also passes the floor (no control characters, ≤ 4096). */
  | (Common & { type: 'string'; enum?: readonly string[]; pattern?: string; format?: StringFormat })
  | (Common & { type: 'integer' | 'number'; min?: number; max?: number })
  | (Common & { type: 'boolean' })
  | (Common & { type: 'object'; props: Record<string, KeySpec>; required?: readonly string[] })
  | (Common & { type: 'array'; items: KeySpec })
  /** Free keys (host names) → values. */
  | (Common & { type: 'map'; values: KeySpec })
  | (Common & { type: 'anyOf'; options: readonly KeySpec[] });

type StrMore = Partial<Common> & { enum?: readonly string[]; pattern?: string; format?: StringFormat };
type NumMore = Partial<Common> & { min?: number; max?: number };
const str = (doc: string, more: StrMore = {}): KeySpec => ({ type: 'string', doc, ...more });
const int = (doc: string, more: NumMore = {}): KeySpec => ({ type: 'integer', doc, ...more });
const num = (doc: string, more: NumMore = {}): KeySpec => ({ type: 'number', doc, ...more });
const bool = (doc: string, more: Partial<Common> = {}): KeySpec => ({ type: 'boolean', doc, ...more });
const hostList = (doc: string): KeySpec => ({
  type: 'anyOf', doc,
  options: [str('group name', { format: 'inventory-name' }), { type: 'array', doc: 'host names', items: str('host name', { format: 'inventory-name' }) }],
});

export const MODES = ['nginx', 'lvs-dr', 'lvs-nat'] as const;
export const LB_ALGOS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq'] as const;
export const ENGINES = ['keepalived', 'agent'] as const;

const vip: KeySpec = {
  type: 'anyOf', doc: 'address/prefix, or an object with address, dev and label',
  options: [
    str('address/prefix; prefix defaults to the director subnet (vrrp_prefix)'),
    {
      type: 'object', doc: 'VIP with its own device or label', required: ['address'],
      props: {
        address: str('address/prefix', { directive: 'virtual_ipaddress' }),
        dev: str('interface the VIP is added to', { format: 'ifname', directive: 'virtual_ipaddress … dev' }),
        label: {
          type: 'anyOf', doc: 'address label: the VIP\'s dev, or dev:suffix, e.g. eth0:1; false: no label (IPv4 VIPs get <dev>:<vrid> otherwise). keepalived compares labels on reload: changing one re-adds the VIP on the master',
          directive: 'virtual_ipaddress … label',
          options: [str('address label', { format: 'vip-label' }), bool('false: the VIP has no label')],
        },
      },
    },
  ],
};
const vips: KeySpec = { type: 'array', doc: 'virtual addresses of the instance', items: vip, directive: 'virtual_ipaddress' };
const priorities: KeySpec = {
  type: 'map', doc: 'per-director priority of this instance', values: int('priority', { min: 1, max: 255, ownRule: 'priority-range' }), directive: 'priority',
};

const healthCheck: KeySpec = {
  type: 'object', doc: 'how directors check the realservers',
  props: {
    type: str('check kind', { enum: ['HTTP_GET', 'TCP_CHECK', 'NONE'], default: 'HTTP_GET', directive: 'HTTP_GET / TCP_CHECK' }),
    path: str('HTTP path', { default: '/', format: 'http-path', directive: 'url { path }' }),
    status: int('expected HTTP status', { default: 200, min: 100, max: 599, directive: 'status_code' }),
    connect_timeout: int('seconds', { default: 3, min: 1, max: 3600, directive: 'connect_timeout' }),
    retry: int('failed checks before removal', { default: 3, min: 0, max: 100, directive: 'retry' }),
    delay_before_retry: int('seconds between retries', { default: 3, min: 0, max: 3600, directive: 'delay_before_retry' }),
    delay_loop: int('seconds between checks', { default: 6, min: 1, max: 3600, directive: 'delay_loop' }),
  },
};

const service: KeySpec = {
  type: 'object', doc: 'a virtual service',
  props: {
    vip: str('VIP address the service listens on (default: every VIP); parsed as an address', { directive: 'virtual_server' }),
    port: int('service port', { default: 80, min: 1, max: 65535, directive: 'virtual_server / listen' }),
    protocol: str('protocol', { enum: ['TCP', 'UDP'], default: 'TCP', directive: 'protocol' }),
    realserver_port: int('port on the realservers', { default: 'port', min: 1, max: 65535, directive: 'real_server / server' }),
    lb_algo: str('scheduler', { enum: LB_ALGOS, default: 'rr', directive: 'lb_algo / nginx upstream method' }),
    persistence_timeout: int('seconds', { default: 0, min: 0, max: 2678400, directive: 'persistence_timeout' }),
    health_check: healthCheck,
    sorry_server: str('address:port used when every realserver is down (lvs only); parsed', { directive: 'sorry_server' }),
  },
};

const instance: KeySpec = {
  type: 'object', doc: 'one VRRP instance', required: ['vrid', 'vips'],
  props: {
    name: str('vrrp_instance name', { default: '<cluster>_<vrid>', pattern: '^[A-Za-z0-9_-]{1,64}$', directive: 'vrrp_instance' }),
    vrid: int('virtual router id', { min: 1, max: 255, directive: 'virtual_router_id', ownRule: 'vrid-range' }),
    vips,
    master: str('director that gets the top priority', { default: 'first director', format: 'inventory-name' }),
    priorities,
  },
};

const trackNginx: KeySpec = {
  type: 'anyOf', doc: 'nginx liveness check; false turns it off',
  options: [
    bool('false: no nginx check'),
    {
      type: 'object', doc: 'vrrp_script chk_nginx',
      props: {
        name: str('vrrp_script name (keepalived logs it; import keeps the original)', { default: 'chk_nginx', pattern: '^[A-Za-z0-9_.-]{1,64}$', directive: 'vrrp_script' }),
        script: str('check command: absolute path and plain arguments (keepalived execs it, no shell)', { default: '/usr/local/sbin/hafleet-check-nginx', format: 'command', directive: 'script' }),
        interval: int('seconds', { default: 2, min: 1, max: 3600, directive: 'interval' }),
        timeout: int('seconds', { default: 2, min: 1, max: 3600, directive: 'timeout' }),
        weight: int('priority change while failing (negative)', { default: -60, min: -253, max: 253, directive: 'weight' }),
        fall: int('failures before failing', { default: 2, min: 1, max: 255, directive: 'fall' }),
        rise: int('successes before passing', { default: 2, min: 1, max: 255, directive: 'rise' }),
        user: {
          type: 'anyOf', doc: 'user the script runs as; false: no user line (keepalived\'s script_user, else keepalived_script if it exists, else root)', default: 'nobody', directive: 'user',
          options: [str('user name', { format: 'user-name' }), bool('false: keepalived\'s default script user')],
        },
      },
    },
  ],
};

export const clusterSpec: KeySpec = {
  type: 'object', doc: 'one service: directors, realservers, VRRP, VIPs', required: ['name', 'mode', 'directors'],
  props: {
    name: str('cluster name, unique; part of file names on the directors', { pattern: '^[a-z0-9_-]{1,64}$' }),
    mode: str('nginx (L7), lvs-dr or lvs-nat (L4)', { enum: MODES, directive: 'lb_kind (DR/NAT)' }),
    vrrp_engine: str('VRRP speaker', { enum: ENGINES, default: 'keepalived' }),
    directors: hostList('group name or host names (order = priority order)'),
    realservers: hostList('group name or host names'),
    interface: str('VRRP interface on the directors', { format: 'ifname', directive: 'interface' }),
    vrrp: {
      type: 'object', doc: 'VRRP settings shared by the instances',
      props: {
        version: int('VRRP version', { default: 2, min: 2, max: 3, directive: 'vrrp_version' }),
        advert_int: num('seconds between adverts', { default: 1, directive: 'advert_int' }),
        auth_pass: str('VRRPv2 password, at most 8 characters (secret)', { format: 'auth-pass', directive: 'authentication { auth_pass }' }),
        preempt: bool('false = nopreempt', { default: true, directive: 'nopreempt' }),
        preempt_delay: int('seconds', { default: 0, min: 0, max: 1000, directive: 'preempt_delay' }),
        unicast: bool('unicast adverts to the other directors', { default: false, directive: 'unicast_peer / unicast_src_ip' }),
        garp_master_delay: int('seconds', { default: 5, min: 0, max: 3600, directive: 'garp_master_delay' }),
        garp_master_repeat: int('gratuitous ARPs per burst', { default: 5, min: 1, max: 1000, directive: 'garp_master_repeat' }),
        garp_master_refresh: int('seconds (0 = off)', { default: 0, min: 0, max: 86400, directive: 'garp_master_refresh' }),
        smtp_alert: bool('mail on every state change of the instances (the SMTP settings: extra_keepalived global_defs); not with the agent', { default: false, directive: 'smtp_alert' }),
      },
    },
    vrid: int('virtual router id (short form)', { min: 1, max: 255, directive: 'virtual_router_id', ownRule: 'vrid-range' }),
    vips: { ...vips, doc: 'virtual addresses (short form)' },
    instances: { type: 'array', doc: 'several instances (dual-master)', items: instance },
    services: { type: 'array', doc: 'virtual services', default: 'port 80 on every VIP', items: service },
    track: {
      type: 'object', doc: 'track scripts',
      props: { nginx: trackNginx },
    },
    notify: {
      type: 'object', doc: 'state-change hooks',
      props: {
        script: str('called with TYPE NAME STATE PRIORITY', { default: '/usr/local/sbin/hafleet-notify', format: 'command', directive: 'notify' }),
        master: str('called on MASTER', { format: 'command', directive: 'notify_master' }),
        backup: str('called on BACKUP', { format: 'command', directive: 'notify_backup' }),
        fault: str('called on FAULT', { format: 'command', directive: 'notify_fault' }),
        stop: str('called on stop', { format: 'command', directive: 'notify_stop' }),
        log_file: str('log of the bundled script, under /var/log/', { default: '/var/log/hafleet-notify.log', format: 'log-path' }),
        user: {
          type: 'anyOf', doc: 'user your notify scripts run as (hafleet\'s own notify logger always runs as root); false: no user word (keepalived\'s default script user)', default: 'root', directive: 'notify … USER',
          options: [str('user name', { format: 'user-name' }), bool('false: keepalived\'s default script user')],
        },
      },
    },
    nginx: {
      type: 'object', doc: 'nginx mode settings',
      props: {
        listen_port: int('port nginx listens on', { default: 80, min: 1, max: 65535, directive: 'listen' }),
        proxy_connect_timeout: str('nginx time', { default: '2s', pattern: '^[0-9]+(ms|s|m|h)?$', directive: 'proxy_connect_timeout' }),
        proxy_read_timeout: str('nginx time', { default: '30s', pattern: '^[0-9]+(ms|s|m|h)?$', directive: 'proxy_read_timeout' }),
        proxy_send_timeout: str('nginx time', { default: '30s', pattern: '^[0-9]+(ms|s|m|h)?$', directive: 'proxy_send_timeout' }),
        max_fails: int('failures before a server is skipped', { default: 2, min: 0, max: 1000, directive: 'server … max_fails' }),
        fail_timeout: str('nginx time', { default: '10s', pattern: '^[0-9]+(ms|s|m|h)?$', directive: 'server … fail_timeout' }),
        keepalive: int('idle upstream connections kept', { default: 16, min: 0, max: 100000, directive: 'keepalive' }),
        error_page: str('page served with 503 when every realserver is down: a .html file under /usr/share/hafleet/', { default: '/usr/share/hafleet/503.html', format: 'error-page-path', directive: 'error_page 502 503 504' }),
      },
    },
  },
};

/** Highest mode of a hafleet_files entry: no setuid/setgid/sticky bit, nobody but root writes it. */
export const FILE_MODE_PATTERN = '^0?[0-7][0-5][0-5]$';

// The operator's own files, deployed byte for byte (render reads src, realpath inside the
// inventory directory, ≤ 1 MiB, text): the hand-written track script import kept.
const userFile: KeySpec = {
  type: 'object', doc: 'a file of yours deployed verbatim (its bytes, not a template), root-owned', required: ['src', 'dest'],
  props: {
    src: str('the file, relative to the inventory directory (it must stay inside it, symlinks too), text, at most 1 MiB', { format: 'inventory-file' }),
    dest: str('where it lands on the host: under /etc/keepalived/, /usr/local/sbin/ or /usr/local/bin/', { format: 'file-dest' }),
    mode: str('octal mode, quoted, at most "0755" (no setuid, not group- or world-writable)', { default: '0644', pattern: FILE_MODE_PATTERN }),
  },
};

/** Per-host (or group) variables hafleet reads, including Ansible's connection variables. */
export const hostVarSpecs: Record<string, KeySpec> = {
  ansible_host: str('address to SSH to', { default: 'the inventory name', format: 'host-or-address' }),
  ansible_port: int('SSH port', { default: 22, min: 1, max: 65535 }),
  ansible_user: str('SSH user', { format: 'login-name' }),
  ansible_ssh_private_key_file: str('key file'),
  // Ansible's older aliases; connection.ts reads them (the alias wins), so they get the same types.
  ansible_ssh_host: str('alias of ansible_host', { format: 'host-or-address' }),
  ansible_ssh_port: int('alias of ansible_port', { min: 1, max: 65535 }),
  ansible_ssh_timeout: int('seconds to wait for the SSH connection of this host (Ansible\'s ssh plugin variable)', { min: 1, max: 3600 }),
  ansible_ssh_user: str('alias of ansible_user', { format: 'login-name' }),
  ansible_private_key_file: str('alias of ansible_ssh_private_key_file'),
  ansible_ssh_extra_args: str('only -o ProxyJump=… / -J … is read'),
  ansible_become: bool('run privileged steps with sudo', { default: false }),
  ansible_become_user: str('sudo target', { default: 'root', format: 'login-name' }),
  ansible_become_method: str('only sudo', { enum: ['sudo'], default: 'sudo' }),
  ansible_ssh_common_args: str('only -o ProxyJump=… / -J … is read'),
  hafleet_known_hosts: str('extra known_hosts file, relative to the inventory'),
  hafleet_proxy_jump: str('jump host, user@host:port'),
  vrrp_priority: int('priority for every instance of the host', { min: 1, max: 255, directive: 'priority', ownRule: 'priority-range' }),
  vrrp_interface: str('overrides the cluster interface', { format: 'ifname', directive: 'interface' }),
  vrrp_prefix: int('prefix length of the director address on the VRRP interface', { min: 0, max: 128 }),
  vrrp_state: str('initial state override', { enum: ['MASTER', 'BACKUP'], directive: 'state' }),
  unicast_src_ip: str('own address for unicast VRRP', { default: 'ansible_host', format: 'address', directive: 'unicast_src_ip' }),
  vrrp_engine: str('keepalived or agent', { enum: ENGINES }),
  // global_defs as import found it: the first deploy of an adopted fleet changes none of them.
  vrrp_router_id: {
    type: 'anyOf', doc: 'keepalived router_id; false: none written (keepalived takes the host name)', default: 'the inventory name', directive: 'router_id',
    options: [str('router id', { pattern: '^[A-Za-z0-9_.:-]{1,64}$' }), bool('false: no router_id line')],
  },
  vrrp_script_user: str('keepalived script_user (default user of scripts without their own)', { default: 'the track script\'s user, else nobody', format: 'user-name', directive: 'script_user' }),
  // false: what an adopted fleet that ran scripts without script security keeps until the operator fixes it.
  keepalived_script_security: bool('keepalived enable_script_security; false: no enable_script_security line (scripts run as script_user, else keepalived_script, else root, however writable) — lint warns', { default: true, directive: 'enable_script_security' }),
  hafleet_agent_command: str('command that runs the hafleet VRRP agent (vrrp_engine: agent), as plain words', { default: 'hafleet agent', format: 'words' }),
  realserver_weight: int('weight', { default: 1, min: 0, max: 65535, directive: 'weight' }),
  realserver_backup: bool('nginx backup server (nginx mode only)', { default: false, directive: 'server … backup' }),
  realserver_address: str('address directors send to', { default: 'ansible_host', format: 'address', directive: 'real_server / server' }),
  service_manager: str('force the service manager', { enum: ['systemd', 'sysv', 'direct'] }),
  // What `hafleet import` found and the model cannot say, written verbatim (passthrough.ts checks it).
  extra_keepalived: str('keepalived.conf text written verbatim at the end of the director\'s keepalived.conf (top level)', { format: 'keepalived-block', directive: 'verbatim' }),
  hafleet_files: { type: 'array', doc: 'files of yours deployed unchanged (e.g. the track scripts `hafleet import` kept under files/<host>/)', items: userFile },
  extra_nginx: str('nginx text written verbatim inside http{} in the director\'s cluster conf.d file', { format: 'nginx-block', directive: 'verbatim' }),
};

/** The top-level variables: `hafleet_clusters` plus the per-host ones. */
export const topLevelSpecs: Record<string, KeySpec> = {
  hafleet_clusters: { type: 'array', doc: 'one entry per service', items: clusterSpec },
  ...hostVarSpecs,
};

/** Prefixes of variables that are surely meant for hafleet (unknown ones are typos). */
export const OWN_PREFIXES = ['hafleet_', 'vrrp_', 'realserver_', 'unicast_'] as const;
