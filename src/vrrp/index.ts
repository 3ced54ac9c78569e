/**
 * The embedded VRRP agent: a keepalived-compatible VRRP speaker (RFC 3768 v2, RFC 5798 v3, IPv4).
 * Pure parts (codec, state machine, config parser, tracking) are usable on their own; `Agent`
 * is the running process and needs CAP_NET_RAW + CAP_NET_ADMIN (raw sockets, netlink, AF_PACKET),
 * plus CAP_SETUID/CAP_SETGID/CAP_KILL when scripts run as another user (`requiredCapabilities`).
 */
export { decodePacket, decodeVrrp, encodeAdvert, encodeIpv4Packet, encodeIpv6Packet, VRRP_MCAST_GROUP, VRRP_MCAST_GROUP6, VRRP_PROTO } from './packet.js';
export type { Advert, DecodeOptions, DecodeResult, DropReason, EncodeOptions, Envelope, VrrpVersion } from './packet.js';
export { effectivePriority, initialMachine, masterDownIntervalMs, skewTimeMs, step } from './machine.js';
export { rfcMasterDownIntervalMs, rfcSkewTimeMs } from './timing.js';
export type { Action, Counters, InstanceParams, MachineDropReason, MachineEvent, MachineState, NotifyState, StepResult, TimerName, Transition, VrrpState } from './machine.js';
export { loadConfig, nodeFiles, parseConfig, type ParsedConfig } from '../keepalived-conf/config.js';
export { lintConfig, killsKeepalived } from '../keepalived-conf/config-lint.js';
export type { AgentConfig, GlobalDefs, InstanceConf, NotifyConf, SyncGroupConf, TrackRef, TrackScriptConf, VipConf } from '../keepalived-conf/config-types.js';
export { initialTracker, observe, trackEffect, type TrackEffect, type TrackInput, type TrackerState } from './tracking.js';
export type { AgentStatus, InstanceStatus } from './status.js';
export { makeLogger, type Logger, type Level } from './log.js';

/** The running agent; imported lazily so the pure parts never load the native FFI. */
export async function startAgent(...args: ConstructorParameters<typeof import('./agent.js').Agent>): Promise<import('./agent.js').Agent> {
  const { Agent } = await import('./agent.js');
  const a = new Agent(...args);
  try {
    await a.start();
  } catch (e) {
    await a.stop();
    throw e;
  }
  return a;
}
export type { Agent, AgentOptions } from './agent.js';
export { secureScripts, checkScript, componentUnsafe, isExecutable, pathPrefixes, type FileStat, type ScriptSystem, type SecuredConfig } from './script-security.js';
export { nodeScriptSystem } from './io/script-system.js';
export { checkInterfaces } from '../keepalived-conf/config-interfaces.js';
export { presentInterfaces } from './io/links.js';
export { CAP, missingCapabilities, parseCapEff, requiredCapabilities, type CapName } from './capabilities.js';
export type { NotifyScript, ScriptExec } from '../keepalived-conf/config-types.js';
export { parseMetricsAddress, type MetricsAddress } from './metrics-address.js';
export { renderMetrics, KEEPALIVED_STATE } from './metrics.js';
