/**
 * keepalived.conf as hafleet reads it: one model for the agent (which runs the VRRP part), import
 * (which turns a hand-written fleet into an inventory) and plan (which says what a change does).
 * Pure: the file system comes in as `ConfFiles` (`nodeFiles` is the one adapter over node:fs,
 * for the agent's `-f FILE`), so a host's files read over SSH or a folder of copies parse the same.
 *
 * Two levels:
 * - `readTree`: every statement with file:line, includes followed as keepalived 2.x follows them
 *   (glob relative to the including file, matches sorted, no match is a warning, depth ≤ 8);
 *   the sections the agent does not model (virtual_server, real_server, checkers, global_defs…)
 *   are read from here.
 * - `parseConfig`: the VRRP part → `AgentConfig` (global defs, vrrp_script, track_process,
 *   track_file, vrrp_instance, vrrp_sync_group) with keepalived 2.2.7's defaults and its verdict on
 *   bad values (`keywords.ts`, `keyword-cases.ts`, docs/agent-keywords.md).
 *
 * Addresses are canonicalised by the VRRP codec's `canonicalIp` (src/vrrp/packet.ts, pure, no
 * imports but ipaddr.js) on purpose: the agent compares a configured address with one read from a
 * packet as strings, so both must be spelled by the same function.
 *
 * Names against topology's (src/topology/types.ts), which describes the same things as the
 * inventory wants them: `InstanceConf.advertIntervalCs` is `VrrpInstance.advertInt` × 100 (the
 * agent counts in the packet's centiseconds, the inventory in keepalived's seconds);
 * `InstanceConf.initialState` / `priority` / `unicastSrcIp` / `unicastPeers` are per host in
 * topology (`VrrpInstance.members[]`); `InstanceConf.trackScripts` are `TrackRef`s (name and an
 * optional per-instance weight) where topology lists names; `TrackScriptConf` has
 * `TrackScript`'s names and units (intervalSec, timeoutSec, weight, fall, rise, user).
 */
export { readTree, singleFile, argWords, type ConfTree } from './read-tree.js';
export { syncGroupBlocks, type SyncGroupBlock } from './sync-groups.js';
export { tokenize, expandGlob, type ConfFiles, type Token } from './conf-lexer.js';
export { buildTree, whereOf, type Stmt } from './conf-tree.js';
export { loadConfig, nodeFiles, parseConfig, type ParsedConfig } from './config.js';
export { lintConfig, killsKeepalived } from './config-lint.js';
export { checkInterfaces } from './config-interfaces.js';
export { splitCommand } from './script-words.js';
export { vipDev } from './config-types.js';
export type {
  AgentConfig, GlobalDefs, InstanceConf, NotifyConf, NotifyScript, RouteLine, ScriptExec, SyncGroupConf,
  TrackFileConf, TrackProcessConf, TrackRef, TrackScriptConf, VipConf,
} from './config-types.js';
export { KEYWORDS, KEEPALIVED_GLOBAL_KEYWORDS, KEEPALIVED_INSTANCE_KEYWORDS, KEEPALIVED_DEPRECATED, type KeywordDoc } from './keywords.js';
