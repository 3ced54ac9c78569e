/**
 * The agent's compatibility table with keepalived 2.2.7: which keywords keepalived knows per block
 * (from its source: keepalived/core/global_parser.c, keepalived/vrrp/vrrp_parser.c), and for each
 * keyword the agent acts on, what keepalived accepts, its default, what it does with a bad value and
 * with a keyword that depends on another. The parser consults the keyword lists (an unknown keyword
 * is keepalived's "Unknown keyword" config error), docs/agent-keywords.md is rendered from this
 * table (keywords-doc.ts) and the cases in keyword-cases.ts drive the unit and differential tests.
 */

/** Every keyword keepalived 2.2.7 installs in global_defs (Debian 12's build). */
export const KEEPALIVED_GLOBAL_KEYWORDS: ReadonlySet<string> = new Set(`
  bfd_cpu_affinity bfd_no_swap bfd_priority bfd_process_name bfd_rlimit_rtime bfd_rlimit_rttime bfd_rt_priority 
  checker_cpu_affinity checker_log_all_failures checker_no_swap checker_priority checker_process_name 
  checker_rlimit_rtime checker_rlimit_rttime checker_rt_priority config_save_dir data_use_instance 
  dbus_service_name default_interface disable_local_igmp dynamic_interfaces enable_dbus enable_script_security 
  enable_snmp_checker enable_snmp_keepalived enable_snmp_rfc enable_snmp_rfcv2 enable_snmp_rfcv3 
  enable_snmp_vrrp enable_traps fifo_write_vrrp_states_on_reload include_check log_unknown_vrids lvs_flush 
  lvs_flush_on_stop lvs_flush_onstop lvs_netlink_cmd_rcv_bufs lvs_netlink_cmd_rcv_bufs_force 
  lvs_netlink_monitor_rcv_bufs lvs_netlink_monitor_rcv_bufs_force lvs_notify_fifo lvs_notify_fifo_script 
  lvs_process_name lvs_sync_daemon lvs_timeouts max_auto_priority min_auto_priority_delay nftables 
  nftables_counters nftables_ifindex nftables_ipvs nftables_ipvs_priority nftables_ipvs_start_fwmark 
  nftables_priority no_checker_emails no_email_faults notification_email notification_email_from notify_fifo 
  notify_fifo_script process_monitor_rcv_bufs process_monitor_rcv_bufs_force process_name process_names 
  random_seed reload_check_config reload_file reload_repeat reload_time_file router_id rs_init_notifies 
  script_user shutdown_script shutdown_script_timeout smtp_alert smtp_alert_checker smtp_alert_vrrp 
  smtp_connect_timeout smtp_helo_name smtp_server snmp_socket startup_script startup_script_timeout 
  tmp_config_directory umask vmac_addr_prefix vmac_prefix vrrp_check_unicast_src vrrp_cpu_affinity 
  vrrp_down_timer_adverts vrrp_garp_extra_if vrrp_garp_interval vrrp_garp_lower_prio_delay 
  vrrp_garp_lower_prio_repeat vrrp_garp_master_delay vrrp_garp_master_refresh vrrp_garp_master_refresh_repeat 
  vrrp_garp_master_repeat vrrp_gna_interval vrrp_higher_prio_send_advert vrrp_ipsets vrrp_iptables 
  vrrp_lower_prio_no_advert vrrp_mcast_group4 vrrp_mcast_group6 vrrp_min_garp vrrp_netlink_cmd_rcv_bufs 
  vrrp_netlink_cmd_rcv_bufs_force vrrp_netlink_monitor_rcv_bufs vrrp_netlink_monitor_rcv_bufs_force 
  vrrp_no_swap vrrp_notify_fifo vrrp_notify_fifo_script vrrp_notify_priority_changes vrrp_priority 
  vrrp_process_name vrrp_rlimit_rtime vrrp_rlimit_rttime vrrp_rt_priority vrrp_rx_bufs_multiplier 
  vrrp_rx_bufs_policy vrrp_skip_check_adv_addr vrrp_startup_delay vrrp_strict vrrp_version vrrp_vmac_garp_intvl 
`.split(/\s+/).filter(Boolean));

/** Every keyword keepalived 2.2.7 installs in vrrp_instance (auth_type/auth_pass are inside authentication). */
export const KEEPALIVED_INSTANCE_KEYWORDS: ReadonlySet<string> = new Set(`
  use_vmac use_vmac_addr vmac_xmit_base use_ipvlan unicast_peer unicast_fault_no_peer check_unicast_src 
  old_unicast_checksum native_ipv6 state interface vrf dont_track_primary track_interface track_script 
  track_file track_process track_bfd mcast_src_ip unicast_src_ip mcast_dst_ip track_src_ip virtual_router_id 
  unicast_ttl version priority advert_int virtual_ipaddress virtual_ipaddress_excluded promote_secondaries 
  linkbeat_use_polling virtual_routes virtual_rules accept no_accept skip_check_adv_addr strict_mode preempt 
  nopreempt preempt_delay debug notify_backup notify_master notify_fault notify_stop notify_deleted notify 
  notify_master_rx_lower_pri smtp_alert notify_priority_changes lvs_sync_daemon_interface garp_master_delay 
  garp_master_refresh garp_master_repeat garp_master_refresh_repeat garp_lower_prio_delay 
  garp_lower_prio_repeat down_timer_adverts garp_extra_if vmac_garp_intvl lower_prio_no_advert 
  higher_prio_send_advert kernel_rx_buf_size authentication 
`.split(/\s+/).filter(Boolean));

/**
 * Deprecated keywords keepalived 2.2.7 still acts on but reports as config errors (-t exits 5), in
 * its words ((%s) is the instance or group name).
 */
export const KEEPALIVED_DEPRECATED: Readonly<Record<string, string>> = {
  vmac_garp_intvl: 'Keyword "vmac_garp_intvl" is deprecated - please use "garp_extra_if"',
  linkbeat_use_polling: "(%s) 'linkbeat_use_polling' in vrrp instance deprecated - use linkbeat_interfaces block",
  lvs_sync_daemon_interface: '(%s) Specifying lvs_sync_daemon_interface against a vrrp is deprecated.',
  global_tracking: '(%s) global_tracking is deprecated. Use track_interface/script/file on the sync group',
  vrrp_vmac_garp_intvl: 'Keyword "vrrp_vmac_garp_intvl" is deprecated - please use "vrrp_garp_extra_if"',
};

/** What keepalived does with a value it cannot take. */
export type OnBad =
  | 'error, value ignored'
  | 'error, default used'
  | 'error, rounded'
  | 'error, clamped'
  | 'error, keyword cleared'
  | 'error, VRRP stops'
  | 'none';

export interface KeywordDoc {
  block: 'global_defs' | 'vrrp_instance' | 'authentication' | 'vrrp_script';
  keyword: string;
  /** What keepalived accepts, as keepalived.conf(5) would say it. */
  values: string;
  caseSensitive: boolean;
  default: string;
  onBad: OnBad;
  /** What keepalived does with it given another keyword (and the trap, if it is one). */
  depends?: string;
  /** keepalived 2.2.7's code that decides it. */
  source: string;
}

export const KEYWORDS: readonly KeywordDoc[] = [
  {
    block: 'vrrp_instance', keyword: 'state', values: 'MASTER | BACKUP', caseSensitive: true, default: 'from priority: 255 → MASTER, else BACKUP',
    onBad: 'error, default used',
    depends: "anything but MASTER/BACKUP (also `master`) is \"unknown state 'x', defaulting to BACKUP\"; BACKUP after MASTER is ignored with an error. Without priority, state MASTER makes the priority 255 (address owner).",
    source: 'vrrp_parser.c vrrp_state_handler; vrrp.c vrrp_complete_instance',
  },
  {
    block: 'vrrp_instance', keyword: 'priority', values: 'whole number 1–255 (strtoul: `+100` and `0100` are 100; `1.5`, `1e2`, `0x64` invalid)', caseSensitive: true,
    default: 'from state: MASTER → 255, else 100', onBad: 'error, default used',
    depends: 'invalid → 100 (not the state-derived default). 255 forces nopreempt off and, without state, state MASTER.',
    source: 'vrrp_parser.c vrrp_prio_handler; vrrp.c vrrp_complete_instance',
  },
  {
    block: 'vrrp_instance', keyword: 'advert_int', values: 'seconds, 0.01–255, up to 6 decimals', caseSensitive: true, default: '1',
    onBad: 'error, value ignored',
    depends: 'VRRPv2: not whole → error, rounded half up (0.5 → 1, 1.5 → 2). VRRPv3: not a multiple of 10 ms → error, rounded; ≥ 40.96 → error, 40.95. More than 6 decimals → error, rounded, used.',
    source: 'vrrp_parser.c vrrp_adv_handler; vrrp.c vrrp_complete_instance',
  },
  {
    block: 'vrrp_instance', keyword: 'virtual_router_id', values: 'whole number 1–255', caseSensitive: true, default: 'none (required)',
    onBad: 'error, value ignored', depends: 'none valid in the instance: "the virtual router id must be set" and the VRRP process stops.',
    source: 'vrrp_parser.c vrrp_vrid_handler; vrrp.c vrrp_complete_instance',
  },
  {
    block: 'vrrp_instance', keyword: 'version', values: '2 | 3', caseSensitive: true, default: 'global_defs vrrp_version (2); 3 for IPv6',
    onBad: 'error, value ignored', depends: 'a second, different version line is ignored with an error; 2 once the instance is IPv6 is ignored.',
    source: 'vrrp_parser.c vrrp_version_handler',
  },
  {
    block: 'vrrp_instance', keyword: 'nopreempt', values: '(no value)', caseSensitive: true, default: 'preempt',
    onBad: 'none', depends: 'cleared with an error when the priority is 255 or the state MASTER; `preempt` after it clears it silently.',
    source: 'vrrp_parser.c vrrp_nopreempt_handler; vrrp.c vrrp_complete_instance',
  },
  {
    block: 'vrrp_instance', keyword: 'preempt_delay', values: 'seconds, 0–1000, up to 6 decimals', caseSensitive: true, default: '0',
    onBad: 'error, default used', depends: 'cleared with an error under state MASTER and with nopreempt.',
    source: 'vrrp_parser.c vrrp_preempt_delay_handler; vrrp.c vrrp_complete_instance',
  },
  {
    block: 'authentication', keyword: 'auth_type', values: 'PASS | AH (the agent: PASS only)', caseSensitive: true, default: 'none',
    onBad: 'error, value ignored',
    depends: '`pass` is an unknown type: no authentication is sent. PASS without auth_pass: error, no authentication. Any type under VRRPv3: error, no authentication.',
    source: 'vrrp_parser.c vrrp_auth_type_handler; vrrp.c vrrp_complete_instance',
  },
  {
    block: 'authentication', keyword: 'auth_pass', values: 'a word, 8 bytes used', caseSensitive: true, default: 'none',
    onBad: 'error, clamped', depends: 'longer than 8 bytes: "Truncating auth_pass to 8 characters". Without auth_type PASS no authentication is sent, and keepalived says nothing: the trap.',
    source: 'vrrp_parser.c vrrp_auth_pass_handler; vrrp.c vrrp_complete_instance',
  },
  {
    block: 'vrrp_instance', keyword: 'virtual_ipaddress', values: 'ADDRESS[/PREFIX] [dev IF] [label L] …, one a line', caseSensitive: true, default: 'none',
    onBad: 'error, value ignored', depends: 'none at all: VRRPv2 runs with an error ("at least one is sensible"), VRRPv3 stops ("at least one is required").',
    source: 'vrrp_ipaddress.c parse_ipaddress; vrrp.c vrrp_complete_instance',
  },
  {
    block: 'vrrp_script', keyword: 'interval / timeout', values: 'whole seconds, 1–4294 (`0.5` is invalid)', caseSensitive: true, default: 'interval 1; timeout = interval',
    onBad: 'error, value ignored', depends: '0 is taken as 1, with an error. The agent used to take fractions: keepalived does not.',
    source: 'vrrp_parser.c vrrp_vscript_interval_handler, vrrp_vscript_timeout_handler',
  },
  {
    block: 'vrrp_script', keyword: 'weight', values: 'whole number −253…253, then `reverse`', caseSensitive: true, default: '0 (a failure is FAULT)',
    onBad: 'error, clamped', depends: 'out of range: reported, and the number read is still used (the priority is clamped to 1–254 later); anything but `reverse` after it is an error.',
    source: 'vrrp_parser.c vrrp_vscript_weight_handler',
  },
  {
    block: 'vrrp_script', keyword: 'fall / rise', values: 'whole number ≥ 1', caseSensitive: true, default: '1',
    onBad: 'error, default used', source: 'vrrp_parser.c vrrp_vscript_fall_handler, vrrp_vscript_rise_handler',
  },
  {
    block: 'global_defs', keyword: 'vrrp_version', values: '2 | 3', caseSensitive: true, default: '2',
    onBad: 'error, value ignored', source: 'global_parser.c vrrp_version_handler',
  },
  {
    block: 'vrrp_instance', keyword: 'track_script', values: 'names of vrrp_script blocks, `NAME [weight N [reverse]]` a line', caseSensitive: true, default: 'none',
    onBad: 'error, value ignored', depends: "a name with no vrrp_script: \"(VI_1) track script NAME not found, ignoring...\"",
    source: 'vrrp.c vrrp_complete_instance',
  },
  {
    block: 'vrrp_instance', keyword: 'garp_master_repeat / garp_master_delay', values: 'whole numbers (delay 0–4294 s)', caseSensitive: true, default: 'global_defs vrrp_garp_master_* (5, 5)',
    onBad: 'error, value ignored', depends: 'repeat 0 is 1, with an error.',
    source: 'vrrp_parser.c vrrp_garp_rep_handler, vrrp_garp_delay_handler',
  },
  {
    block: 'global_defs', keyword: 'hafleet_metrics_address', values: 'PORT (on 127.0.0.1) | ADDR:PORT | [ADDR6]:PORT, as `hafleet agent --metrics`', caseSensitive: true,
    default: 'none: no metrics served', onBad: 'error, VRRP stops',
    depends: "the agent's own keyword (where it serves /metrics; the --metrics flag wins over it; read at start, a reload keeps the listener). keepalived 2.2.7 does not know it: \"Unknown keyword\", keepalived -t exits 5 and keepalived runs without it — so a file that carries it is the agent's, checked with `hafleet agent -t`. A bad address: the agent refuses the file, as it refuses a bad --metrics.",
    source: 'hafleet (src/keepalived-conf/metrics-address.ts, the syntax of src/vrrp/metrics-address.ts); keepalived: lib/parser.c process_stream',
  },
  {
    block: 'vrrp_instance', keyword: '(unknown keyword)', values: 'not in keepalived 2.2.7’s vrrp_instance list', caseSensitive: true, default: '—',
    onBad: 'error, value ignored', depends: "\"Unknown keyword 'x'\": keepalived -t exits 5 and keepalived runs without it. A global_defs keyword inside vrrp_instance (or the reverse) is unknown there.",
    source: 'lib/parser.c process_stream',
  },
];
