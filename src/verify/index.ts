/**
 * Verify: where every VIP is, whether the directors' own VRRP state agrees, ARP, services and
 * traffic. `evaluate` is pure over `Observations`; `probe` gathers them (I/O).
 */
export type {
  VrrpState, SpeakerInstance, SpeakerReport, ManagedFileObservation, HostObservation, ArpObservation,
  BackendObservation, HttpObservation, Observations, FindingKind, Finding, VerifyReport,
} from './types.js';
export { evaluate, verifyReport } from './evaluate.js';
export { formatReport, table } from './format.js';
export { keepalivedReport, parseKeepalivedData, parseKeepalivedJson, sections as keepalivedDataSections, blocks as keepalivedDataBlocks } from './keepalived-report.js';
export { agentReport } from './agent-status.js';
export { authLogLines, authLogSources } from './speaker-logs.js';
export { arpingMacs, ndiscMacs } from './arping-output.js';
export { hostProbeScript, parseHostProbe, parseIpAddr, splitSections as hostProbeSections, type HostProbe } from './host-probe.js';
export { probe, urlOf, type GatherFacts, type VerifyTarget, type ProbeOptions } from './probe.js';
export { arpProbe, routeDev, httpGet, servedBy, type HttpAnswer } from './local-probes.js';
export { verify } from './verify.js';
export { ownProcsShell } from './own-procs.js';
