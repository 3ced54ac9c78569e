/**
 * Configurations as people write them, each with what keepalived 2.2.7 makes of it: the verdict of
 * `keepalived -t` and the effective values of its data dump. The agent must agree on both
 * (test/unit/keepalived-conf/keywords.test.ts against this table, test/integration/agent-keywords.test.ts
 * against keepalived itself). Each case is one vrrp_instance VI_1 on eth0 with
 * virtual_router_id 51 and the VIP 198.18.5.100/24, plus its lines.
 */

export type CaseKind = 'good' | 'bad' | 'boundary' | 'case-variant' | 'deprecated' | 'wrong-block' | 'dependent' | 'missing';

/** What keepalived does with the file: runs it cleanly, runs it after config errors (-t exits 5), or its VRRP stops. */
export type Verdict = 'ok' | 'error' | 'fatal';

/** The values that reach the wire, as keepalived's dump shows them. */
export interface Effective {
  version: 2 | 3;
  state: 'MASTER' | 'BACKUP';
  priority: number;
  advertMs: number;
  preempt: boolean;
  preemptDelaySec: number;
  /** 'none', or the password as sent (8 bytes at most). */
  auth: string;
  vrid: number;
  vips: number;
}

export interface KeywordCase {
  keyword: string;
  kind: CaseKind;
  label: string;
  /** Lines added inside vrrp_instance VI_1. */
  lines?: string[];
  /** Lines inside global_defs. */
  global?: string[];
  /** Top-level blocks written before the instance (vrrp_script …), as they are. */
  top?: string[];
  /** Base lines left out: 'virtual_router_id' or 'virtual_ipaddress'. */
  omit?: ('virtual_router_id' | 'virtual_ipaddress')[];
  verdict: Verdict;
  /**
   * The agent's verdict where it differs from keepalived's on purpose: only for the agent's own
   * keywords (AGENT_OWN_CASES), which keepalived reports as unknown.
   */
  agentVerdict?: Verdict;
  /** Differences from DEFAULT_EFFECTIVE (absent for 'fatal'). */
  effective?: Partial<Effective>;
}

export const DEFAULT_EFFECTIVE: Effective = {
  version: 2, state: 'BACKUP', priority: 100, advertMs: 1000, preempt: true, preemptDelaySec: 0, auth: 'none', vrid: 51, vips: 1,
};

/** A vrrp_script chk (with what keepalived needs to run it as root quietly) tracked by VI_1. */
const script = (label: string, kind: CaseKind, body: string[], verdict: Verdict): KeywordCase => ({
  keyword: 'vrrp_script', kind, label, verdict,
  global: ['enable_script_security', 'script_user root'],
  top: ['vrrp_script chk {', '    script "/bin/true"', ...body.map((l) => `    ${l}`), '}'],
  lines: ['track_script {', '    chk', '}'],
});

const auth = (type: string | undefined, pass: string | undefined) => [
  'authentication {', ...(type === undefined ? [] : [`    auth_type ${type}`]), ...(pass === undefined ? [] : [`    auth_pass ${pass}`]), '}',
];

export const KEYWORD_CASES: readonly KeywordCase[] = [
  // state
  { keyword: 'state', kind: 'good', label: 'MASTER with a priority', lines: ['state MASTER', 'priority 150'], verdict: 'ok', effective: { state: 'MASTER', priority: 150 } },
  { keyword: 'state', kind: 'good', label: 'BACKUP', lines: ['state BACKUP'], verdict: 'ok' },
  { keyword: 'state', kind: 'case-variant', label: 'master in lower case is unknown → BACKUP', lines: ['state master', 'priority 150'], verdict: 'error', effective: { priority: 150 } },
  { keyword: 'state', kind: 'case-variant', label: 'Backup', lines: ['state Backup'], verdict: 'error' },
  { keyword: 'state', kind: 'bad', label: 'unknown word', lines: ['state PRIMARY'], verdict: 'error' },
  { keyword: 'state', kind: 'dependent', label: 'MASTER without priority is the owner (255)', lines: ['state MASTER'], verdict: 'ok', effective: { state: 'MASTER', priority: 255 } },
  { keyword: 'state', kind: 'dependent', label: 'BACKUP after MASTER is ignored', lines: ['state MASTER', 'priority 150', 'state BACKUP'], verdict: 'error', effective: { state: 'MASTER', priority: 150 } },
  { keyword: 'state', kind: 'dependent', label: 'unknown state, no priority: 100', lines: ['state master'], verdict: 'error' },
  // priority
  { keyword: 'priority', kind: 'boundary', label: '1', lines: ['priority 1'], verdict: 'ok', effective: { priority: 1 } },
  { keyword: 'priority', kind: 'boundary', label: '254', lines: ['priority 254'], verdict: 'ok', effective: { priority: 254 } },
  { keyword: 'priority', kind: 'dependent', label: '255 without state is MASTER', lines: ['priority 255'], verdict: 'ok', effective: { state: 'MASTER', priority: 255 } },
  { keyword: 'priority', kind: 'boundary', label: '0 → default 100', lines: ['priority 0'], verdict: 'error' },
  { keyword: 'priority', kind: 'boundary', label: '256 → default 100', lines: ['priority 256'], verdict: 'error' },
  { keyword: 'priority', kind: 'bad', label: 'negative', lines: ['priority -5'], verdict: 'error' },
  { keyword: 'priority', kind: 'bad', label: 'not a number', lines: ['priority high'], verdict: 'error' },
  { keyword: 'priority', kind: 'bad', label: 'decimal', lines: ['priority 150.5'], verdict: 'error' },
  { keyword: 'priority', kind: 'boundary', label: 'leading zero is decimal', lines: ['priority 0150'], verdict: 'ok', effective: { priority: 150 } },
  { keyword: 'priority', kind: 'boundary', label: 'plus sign', lines: ['priority +150'], verdict: 'ok', effective: { priority: 150 } },
  { keyword: 'priority', kind: 'dependent', label: 'invalid with state MASTER → 100, not 255', lines: ['state MASTER', 'priority 300'], verdict: 'error', effective: { state: 'MASTER', priority: 100 } },
  // advert_int
  { keyword: 'advert_int', kind: 'good', label: '3', lines: ['advert_int 3'], verdict: 'ok', effective: { advertMs: 3000 } },
  { keyword: 'advert_int', kind: 'dependent', label: 'v2 0.5 rounds to 1', lines: ['advert_int 0.5'], verdict: 'error', effective: { advertMs: 1000 } },
  { keyword: 'advert_int', kind: 'dependent', label: 'v2 1.5 rounds to 2', lines: ['advert_int 1.5'], verdict: 'error', effective: { advertMs: 2000 } },
  { keyword: 'advert_int', kind: 'dependent', label: 'v2 2.4 rounds to 2', lines: ['advert_int 2.4'], verdict: 'error', effective: { advertMs: 2000 } },
  { keyword: 'advert_int', kind: 'boundary', label: '0 ignored', lines: ['advert_int 0'], verdict: 'error' },
  { keyword: 'advert_int', kind: 'boundary', label: '255', lines: ['advert_int 255'], verdict: 'ok', effective: { advertMs: 255000 } },
  { keyword: 'advert_int', kind: 'boundary', label: '256 ignored', lines: ['advert_int 256'], verdict: 'error' },
  { keyword: 'advert_int', kind: 'bad', label: 'unit suffix', lines: ['advert_int 1s'], verdict: 'error' },
  { keyword: 'advert_int', kind: 'good', label: 'v3 0.1', lines: ['version 3', 'advert_int 0.1'], verdict: 'ok', effective: { version: 3, advertMs: 100 } },
  { keyword: 'advert_int', kind: 'boundary', label: 'v3 0.01', lines: ['version 3', 'advert_int 0.01'], verdict: 'ok', effective: { version: 3, advertMs: 10 } },
  { keyword: 'advert_int', kind: 'boundary', label: 'v3 0.005 ignored', lines: ['version 3', 'advert_int 0.005'], verdict: 'error', effective: { version: 3 } },
  { keyword: 'advert_int', kind: 'dependent', label: 'v3 0.125 rounds to 130 ms', lines: ['version 3', 'advert_int 0.125'], verdict: 'error', effective: { version: 3, advertMs: 130 } },
  { keyword: 'advert_int', kind: 'dependent', label: 'v3 50 → 40.95', lines: ['version 3', 'advert_int 50'], verdict: 'error', effective: { version: 3, advertMs: 40950 } },
  { keyword: 'advert_int', kind: 'boundary', label: 'seven decimals', lines: ['version 3', 'advert_int 0.1000004'], verdict: 'error', effective: { version: 3, advertMs: 100 } },
  // virtual_router_id
  { keyword: 'virtual_router_id', kind: 'boundary', label: '255', lines: ['virtual_router_id 255'], verdict: 'ok', effective: { vrid: 255 } },
  { keyword: 'virtual_router_id', kind: 'boundary', label: '0 ignored (the earlier 51 stays)', lines: ['virtual_router_id 0'], verdict: 'error' },
  { keyword: 'virtual_router_id', kind: 'missing', label: 'none: VRRP stops', omit: ['virtual_router_id'], verdict: 'fatal' },
  { keyword: 'virtual_router_id', kind: 'bad', label: 'only an invalid one: VRRP stops', omit: ['virtual_router_id'], lines: ['virtual_router_id 300'], verdict: 'fatal' },
  // version
  { keyword: 'version', kind: 'good', label: '3', lines: ['version 3'], verdict: 'ok', effective: { version: 3 } },
  { keyword: 'version', kind: 'bad', label: '4 ignored', lines: ['version 4'], verdict: 'error' },
  { keyword: 'version', kind: 'dependent', label: 'a second, different one ignored', lines: ['version 3', 'version 2'], verdict: 'error', effective: { version: 3 } },
  { keyword: 'vrrp_version', kind: 'good', label: 'global 3', global: ['vrrp_version 3'], verdict: 'ok', effective: { version: 3 } },
  { keyword: 'vrrp_version', kind: 'bad', label: 'global 4 ignored', global: ['vrrp_version 4'], verdict: 'error' },
  { keyword: 'vrrp_version', kind: 'dependent', label: 'instance version wins', global: ['vrrp_version 3'], lines: ['version 2'], verdict: 'ok' },
  // preempt
  { keyword: 'nopreempt', kind: 'good', label: 'nopreempt', lines: ['nopreempt'], verdict: 'ok', effective: { preempt: false } },
  { keyword: 'nopreempt', kind: 'dependent', label: 'preempt after nopreempt', lines: ['nopreempt', 'preempt'], verdict: 'ok' },
  { keyword: 'nopreempt', kind: 'dependent', label: 'with state MASTER: cleared', lines: ['state MASTER', 'priority 150', 'nopreempt'], verdict: 'error', effective: { state: 'MASTER', priority: 150 } },
  { keyword: 'nopreempt', kind: 'dependent', label: 'with priority 255: cleared', lines: ['priority 255', 'nopreempt'], verdict: 'error', effective: { state: 'MASTER', priority: 255 } },
  { keyword: 'preempt_delay', kind: 'good', label: '10', lines: ['preempt_delay 10'], verdict: 'ok', effective: { preemptDelaySec: 10 } },
  { keyword: 'preempt_delay', kind: 'good', label: '0.5', lines: ['preempt_delay 0.5'], verdict: 'ok', effective: { preemptDelaySec: 0.5 } },
  { keyword: 'preempt_delay', kind: 'boundary', label: '1001 → 0', lines: ['preempt_delay 1001'], verdict: 'error' },
  { keyword: 'preempt_delay', kind: 'dependent', label: 'with nopreempt: reset', lines: ['nopreempt', 'preempt_delay 10'], verdict: 'error', effective: { preempt: false } },
  { keyword: 'preempt_delay', kind: 'dependent', label: 'with state MASTER: cleared', lines: ['state MASTER', 'priority 150', 'preempt_delay 10'], verdict: 'error', effective: { state: 'MASTER', priority: 150 } },
  // authentication
  { keyword: 'auth_type', kind: 'good', label: 'PASS', lines: auth('PASS', 's3cret'), verdict: 'ok', effective: { auth: 's3cret' } },
  { keyword: 'auth_type', kind: 'case-variant', label: 'pass in lower case: no authentication', lines: auth('pass', 's3cret'), verdict: 'error' },
  { keyword: 'auth_type', kind: 'dependent', label: 'PASS without auth_pass: none', lines: auth('PASS', undefined), verdict: 'error' },
  { keyword: 'auth_pass', kind: 'dependent', label: 'auth_pass without auth_type: none, silently', lines: auth(undefined, 's3cret'), verdict: 'ok' },
  { keyword: 'auth_pass', kind: 'boundary', label: '8 bytes', lines: auth('PASS', '12345678'), verdict: 'ok', effective: { auth: '12345678' } },
  { keyword: 'auth_pass', kind: 'boundary', label: '9 bytes: truncated to 8', lines: auth('PASS', '123456789'), verdict: 'error', effective: { auth: '12345678' } },
  { keyword: 'auth_type', kind: 'dependent', label: 'VRRPv3: ignored', lines: ['version 3', ...auth('PASS', 's3cret')], verdict: 'error', effective: { version: 3 } },
  { keyword: 'auth_pass', kind: 'wrong-block', label: 'outside authentication', lines: ['auth_type PASS', 'auth_pass s3cret'], verdict: 'error' },
  // vrrp_script: whole seconds, keepalived's fallbacks
  script('interval 2, weight -20, fall/rise 2', 'good', ['interval 2', 'weight -20', 'fall 2', 'rise 2'], 'ok'),
  script('interval 0.5 is not whole: ignored (1 s)', 'bad', ['interval 0.5'], 'error'),
  script('interval 0 → 1', 'boundary', ['interval 0'], 'error'),
  script('weight 254 is outside ±253 (still used)', 'boundary', ['weight 254'], 'error'),
  script('fall 0 → 1', 'boundary', ['fall 0'], 'error'),
  script('weight -20 Reverse: unknown option', 'case-variant', ['weight -20 Reverse'], 'error'),
  { keyword: 'track_script', kind: 'missing', label: 'a script that is not defined', lines: ['track_script {', '    nope', '}'], verdict: 'error' },
  // garp
  { keyword: 'garp_master_repeat', kind: 'boundary', label: '0 → 1', lines: ['garp_master_repeat 0'], verdict: 'error' },
  { keyword: 'garp_master_delay', kind: 'bad', label: 'not a number: ignored', lines: ['garp_master_delay 1s'], verdict: 'error' },
  { keyword: 'vrrp_garp_master_repeat', kind: 'boundary', label: 'global 0 → 1', global: ['vrrp_garp_master_repeat 0'], verdict: 'error' },
  { keyword: 'vrrp_garp_master_delay', kind: 'bad', label: 'global 0.5: whole seconds only, ignored', global: ['vrrp_garp_master_delay 0.5'], verdict: 'error' },
  { keyword: 'vrrp_mcast_group4', kind: 'bad', label: 'not a multicast address: skipped', global: ['vrrp_mcast_group4 198.18.0.1'], verdict: 'error' },
  // addresses
  { keyword: 'mcast_src_ip', kind: 'bad', label: 'malformed: skipped', lines: ['mcast_src_ip 198.18.5'], verdict: 'error' },
  { keyword: 'unicast_peer', kind: 'bad', label: 'a malformed peer is skipped (and no peer left: multicast, deprecated)', lines: ['unicast_peer {', '    198.18.5.300', '}'], verdict: 'error' },
  { keyword: 'virtual_ipaddress', kind: 'boundary', label: 'prefix /33 → /32', omit: ['virtual_ipaddress'], lines: ['virtual_ipaddress {', '    198.18.5.100/33', '}'], verdict: 'error' },
  // blocks and keywords
  { keyword: '(unknown)', kind: 'bad', label: 'a misspelt keyword', lines: ['advert_intt 2'], verdict: 'error' },
  { keyword: '(unknown)', kind: 'wrong-block', label: 'router_id inside vrrp_instance', lines: ['router_id lb1'], verdict: 'error' },
  { keyword: '(unknown)', kind: 'wrong-block', label: 'priority inside global_defs', global: ['priority 150'], verdict: 'error' },
  { keyword: '(unknown)', kind: 'case-variant', label: 'Priority with a capital', lines: ['Priority 150'], verdict: 'error' },
  // The agent's own global_defs keyword (AGENT_OWN_CASES) is unknown in an instance to both.
  { keyword: 'hafleet_metrics_address', kind: 'wrong-block', label: 'the agent’s global_defs keyword inside vrrp_instance', lines: ['hafleet_metrics_address 9650'], verdict: 'error' },
  { keyword: 'vmac_garp_intvl', kind: 'deprecated', label: 'deprecated: a config error, still read', lines: ['vmac_garp_intvl 5'], verdict: 'error' },
  { keyword: 'lvs_sync_daemon_interface', kind: 'deprecated', label: 'deprecated in vrrp_instance: VRRP does not start', lines: ['lvs_sync_daemon_interface eth0'], verdict: 'fatal' },
  { keyword: 'vrrp_garp_master_delay', kind: 'good', label: 'global garp delay', global: ['vrrp_garp_master_delay 1'], verdict: 'ok' },
  { keyword: 'vrrp_strict', kind: 'wrong-block', label: 'vrrp_strict inside vrrp_instance', lines: ['vrrp_strict'], verdict: 'error' },
  { keyword: 'virtual_ipaddress', kind: 'missing', label: 'v2 without VIPs runs', omit: ['virtual_ipaddress'], verdict: 'error', effective: { vips: 0 } },
  { keyword: 'virtual_ipaddress', kind: 'missing', label: 'v3 without VIPs stops', omit: ['virtual_ipaddress'], lines: ['version 3'], verdict: 'fatal' },
];

/**
 * The agent's own keywords, which keepalived 2.2.7 does not know: `verdict` is keepalived's (an
 * unknown keyword: -t exits 5, it runs with the defaults — checked against keepalived 2.2.7 by
 * hand: "(Line 2) Unknown keyword 'hafleet_metrics_address'", exit 5), `agentVerdict` the agent's.
 * Apart from KEYWORD_CASES because the differential test (test/integration/agent-keywords.test.ts)
 * wants the agent to agree with keepalived on every case there.
 */
export const AGENT_OWN_CASES: readonly (KeywordCase & { agentVerdict: Verdict })[] = [
  { keyword: 'hafleet_metrics_address', kind: 'good', label: 'ADDR:PORT: the agent serves /metrics there', global: ['hafleet_metrics_address 127.0.0.1:9650'], verdict: 'error', agentVerdict: 'ok' },
  { keyword: 'hafleet_metrics_address', kind: 'good', label: 'a bare PORT is on 127.0.0.1, as --metrics', global: ['hafleet_metrics_address 9650'], verdict: 'error', agentVerdict: 'ok' },
  { keyword: 'hafleet_metrics_address', kind: 'good', label: '[ADDR6]:PORT', global: ['hafleet_metrics_address [::1]:9650'], verdict: 'error', agentVerdict: 'ok' },
  { keyword: 'hafleet_metrics_address', kind: 'bad', label: 'a host name: the agent refuses the file', global: ['hafleet_metrics_address localhost:9650'], verdict: 'error', agentVerdict: 'fatal' },
  { keyword: 'hafleet_metrics_address', kind: 'boundary', label: 'port 65536: the agent refuses the file', global: ['hafleet_metrics_address 127.0.0.1:65536'], verdict: 'error', agentVerdict: 'fatal' },
];

/** The keepalived.conf text of a case. */
export function caseConfig(c: KeywordCase): string {
  const indent = (l: string) => `    ${l}`;
  const out: string[] = [];
  if (c.global) out.push('global_defs {', ...c.global.map(indent), '}');
  if (c.top) out.push(...c.top);
  out.push('vrrp_instance VI_1 {', indent('interface eth0'));
  if (!c.omit?.includes('virtual_router_id')) out.push(indent('virtual_router_id 51'));
  out.push(...(c.lines ?? []).map(indent));
  if (!c.omit?.includes('virtual_ipaddress')) out.push(indent('virtual_ipaddress {'), indent('    198.18.5.100/24'), indent('}'));
  out.push('}', '');
  return out.join('\n');
}

/** The agent's verdict and effective values for a parsed case, in the table's terms. */
export function agentOutcome(p: { config?: { instances: readonly InstanceLike[] }; diagnostics: readonly { severity: string }[] }): { verdict: Verdict; effective?: Effective } {
  const i = p.config?.instances[0];
  if (!p.config || !i) return { verdict: 'fatal' };
  return {
    verdict: p.diagnostics.some((d) => d.severity === 'error') ? 'error' : 'ok',
    effective: {
      version: i.version, state: i.initialState, priority: i.priority, advertMs: i.advertIntervalCs * 10, preempt: i.preempt,
      preemptDelaySec: i.preemptDelaySec, auth: i.authPass === undefined ? 'none' : Buffer.from(i.authPass).subarray(0, 8).toString(), vrid: i.vrid, vips: i.vips.length,
    },
  };
}

type InstanceLike = Pick<import('./config-types.js').InstanceConf,
  'version' | 'initialState' | 'priority' | 'advertIntervalCs' | 'preempt' | 'preemptDelaySec' | 'authPass' | 'vrid' | 'vips'>;
