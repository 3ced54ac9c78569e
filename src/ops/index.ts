/**
 * Day-2 operations: planned switchover and maintenance, the VRRP way — numbers in hafleet-owned
 * track_files on the directors (state, not config: deploy keeps them). The move plan, the
 * preflight and the measures are pure; `runSwitchover` / `runMaintenance` do the I/O.
 */
export * from './types.js';
export { planMove, expectedHolder } from './move-plan.js';
export { switchoverPreflight, maintenancePreflight, directorHealth, placements, type SwitchoverCheck, type SwitchoverPreflight, type MaintenanceCheck, type Placement } from './preflight.js';
export { MOVE_CLIENT_TIMEOUT_MS, measureMove, moveProblems, longestOverlapMs, median, type MoveRecord, type MoveMeasures } from './measures.js';
export { readStateScript, parseState, writeMovesScript, releaseScript, releaseAllScript, maintenanceScript, atMs } from './state-script.js';
export { readStates, writeMoves } from './host-state.js';
export { masterDownBoundMs } from './timing.js';
export { runSwitchover, selectInstances, moveInstance, moveInstances, MoveInterrupted, type MoveContext, type SwitchoverOptions, type SwitchoverRun, type MoveOutcome } from './run-switchover.js';
export { runMaintenance, type MaintenanceOptions, type MaintenanceRun } from './run-maintenance.js';
export { lingerScript, lingerVips, LINGER_SEC, type LingerVip } from './linger.js';
export { runRolling, rollingOrder, type RollingOptions, type RollingRun, type RollingStep } from './run-rolling.js';
export { listStates, formatStates, maintenanceText, type DirectorState } from './list-state.js';
export { realserverPreflight, clustersServedBy, type RealserverCheck } from './realserver-preflight.js';
export { runRealserverMaintenance, drainingCount, DRAINING_SCRIPT, type RealserverOptions, type RealserverRun } from './run-realserver.js';
export { syncGroupsOf, moveUnits, unitRefusals, type SyncGroup, type MoveUnit } from './sync-groups.js';
