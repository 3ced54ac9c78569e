/**
 * Which keepalived keywords the inventory model can say, per block. An instance using anything
 * else is kept whole as a passthrough (the model would drop or change it); global_defs keywords
 * the model does not render are kept as a global_defs passthrough block.
 */
import type { Stmt } from '../keepalived-conf/index.js';

export const INSTANCE_KEYWORDS = new Set([
  'state', 'interface', 'virtual_router_id', 'priority', 'advert_int', 'version', 'nopreempt', 'preempt',
  'preempt_delay', 'authentication', 'unicast_src_ip', 'unicast_peer', 'virtual_ipaddress', 'track_script',
  'notify', 'notify_master', 'notify_backup', 'notify_fault', 'notify_stop',
  'garp_master_delay', 'garp_master_repeat', 'garp_master_refresh', 'smtp_alert',
]);

/** global_defs keywords the rendered global_defs already carries (or that change nothing we model). */
export const GLOBAL_MODELLED = new Set(['router_id', 'enable_script_security', 'script_user', 'vrrp_version']);

export const VS_KEYWORDS = new Set(['delay_loop', 'lb_algo', 'lb_kind', 'persistence_timeout', 'protocol', 'sorry_server', 'real_server']);
export const RS_KEYWORDS = new Set(['weight', 'HTTP_GET', 'TCP_CHECK']);
export const CHECK_KEYWORDS = new Set(['connect_timeout', 'retry', 'nb_get_retry', 'delay_before_retry', 'url', 'connect_port']);

/** The first keyword of `block` outside `allowed`, for the message. */
export function firstForeign(block: readonly Stmt[] | undefined, allowed: ReadonlySet<string>): Stmt | undefined {
  return (block ?? []).find((s) => !allowed.has(s.keyword));
}
