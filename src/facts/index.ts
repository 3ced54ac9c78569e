/**
 * Facts: what is on a host now (files, service manager, processes, addresses, sysctls, tools,
 * the last deploy record), read in one remote command per host.
 */
export type { AddressFact, DeployRecord, FactsRequest, FileFact, HostFacts, ServiceManager } from './types.js';
export type { FactsFailure, FactsOutcome } from './types.js';
/** Gather a host's facts through a Transport; failures are values. */
export { gatherFacts, type GatherOptions } from './gather.js';
/** The remote script and its pure parser (one fixture per case in test/fixtures/facts/). */
export { buildFactsScript, AGENT_PID_FILE, CONTENT_CAP_BYTES, DEPLOY_RECORD_PATH, PROCESS_NAMES, TOOLS } from './script.js';
export { parseFactsReport, factsReportProblem } from './parse-report.js';
