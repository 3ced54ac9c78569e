/**
 * Drill: fault → observe → restore, with a timeline. The measures, the protocol bound, the
 * timeline and the report are pure over a `DrillRecord`; `runDrill` gathers one (I/O).
 */
export * from './types.js';
export { skewTimeSec, masterDownIntervalSec, skewBound, masterDownBound, trackedBound } from './bound.js';
export { FAULT_KINDS, faultSpec, faultMovesVip, protocolBound, type FaultSpec } from './faults/index.js';
export { parseMonitorLog, parseGarps, parseAdverts, isoUtcMs } from './monitor-log.js';
export { measure, problems, requestStats, holdersAt, markAt, protocolStart } from './measures.js';
export { timeline, outcome } from './timeline.js';
export { formatOutcome } from './format.js';
export { reportHtml, chartSvg, escapeHtml } from './report-html.js';
export { faultScript, restoreScript, parseFaultOutput, commandLine, type RestoreInfo } from './remote-scripts.js';
export { monitorStartScript, monitorStopScript } from './watch.js';
export { drillConfig } from './placement.js';
export { runFault, type FaultContext } from './run-fault.js';
export { runDrill, pickCluster, pickInstances, skipReason, type DrillOptions, type DrillRun } from './run-drill.js';
export { FAULT_ALIASES, faultKindOf, parseFaultList, faultNamesHelp, faultHelpLine } from './fault-names.js';
export { agentFaultScript, agentRestoreScript, agentStartCommand, AGENT_HANDLER, AGENT_PID_FILE, AGENT_CONF, type HandlerCommands, type AgentRestoreOptions } from './agent-scripts.js';
export { startObservers, stopObservers, type Observers, type Observed } from './observers.js';
export { holders, pollUntil } from './placement.js';
export { shq, prelude } from './shell.js';
