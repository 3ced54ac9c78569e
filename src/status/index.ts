/**
 * Status: the fleet live. A gatherer runs rounds of one remote script per host over kept SSH
 * connections (verify's probe and the notify log as sections of the facts script) plus a request
 * through each VIP, and assembles a `StatusSnapshot`; views render it (terminal, --json, the
 * --serve page, /metrics) from one `StatusSource`.
 */
export type { StatusSnapshot, StatusSource, ClusterStatus, InstanceStatus, MemberStatus, VipStatus, DriftStatus, Transition, VrrpState } from './types.js';
/** Pure: one round's answers → a snapshot; its exit code. */
export { assembleSnapshot, statusExitCode, type AssembleInput, type VipProbe } from './assemble.js';
/** Pure: transitions from the notify log, the speaker's log and the agent's status. */
export { parseNotifyLines, logReason, lastTransitionOf, mergeTransitions } from './transitions.js';
/** One host's read (I/O through the Transport). */
export { readHost, failureOf, notifyScript, maintenanceScript, parseMaintenance, type Maintenance, type HostRead, type HostFailure, type GatherFacts } from './host-read.js';
/** Rounds, one snapshot, and the StatusSource the views share. */
export { StatusRounds, gatherStatus, createStatusSource, type StatusTarget, type GatherOptions, type WatchOptions } from './source.js';
/** Pure: the terminal view (rows, change marks, painted lines). */
export { statusRows, changedKeys, frameLines, type Row, type Tone, type RenderOptions, type FrameOptions } from './render-text.js';
/** The --watch loop over a StatusSource (streams passed in). */
export { runWatch, frameText, isQuitKey, type WatchOutput, type WatchInput, type WatchViewOptions } from './watch.js';
/** `status --serve`: the page, /events, /status.json and /metrics over node:http (I/O), and its flags' rules. */
export { serveStatus, type ServeStatusOptions, type StatusServer } from './serve.js';
export { serveOptionsFrom, serveExitCode, parseServeAddress, checkServeAccess, tokenMatches, isLoopback, DEFAULT_SERVE_ADDR, DEFAULT_SERVE_PORT, type ServeAddress } from './serve-options.js';
/** Pure: the fleet's Prometheus exposition and the page's HTML from a snapshot. */
export { metricsText, escapeLabelValue, METRICS_CONTENT_TYPE, type ServeFigures } from './metrics.js';
export { pageHtml, viewHtml, PAGE_CSP } from './page.js';
/** Pure: each member's tracked interfaces, scripts and files from the speaker's own dump. */
export { speakerTracks, keepalivedTracks, agentTracks, memberTracks, fileInFault, type SpeakerTracks, type Track } from './tracks.js';
/** Pure: the cause of a transition no speaker put into words, from the round's view. */
export { observedCause, withCauses, FRESH_MS } from './causes.js';
/** Pure: a frame's rows fitted to the terminal's height. */
export { fitRows } from './render-text.js';
