/**
 * Apply: execute a Plan on the hosts, safely (lock, validate before activation, atomic rename,
 * backups outside include dirs, handlers once, health checks, rollback), in rolling order.
 * Also the plan-time on-host validation (`validatePlanOnHosts`), which shares the checker.
 */
export type { HostResult, DeployResult, DeployOptions, DeployEvent, Serial, FailStep } from './types.js';
export { deploy } from './deploy.js';
export { rollingOrder, batchSize, type RollingOrder, type DirectorLane } from './rolling.js';
export { validatePlanOnHosts, planValidationScript } from './validate-remote.js';
export { deployScript, tempNameFor, STATE_DIR, LOCK_DIR, RECORD_PATH, BACKUP_ROOT, ScriptExit } from './deploy-script.js';
export { waitForVips } from './vip-wait.js';
export { parseSerial, recapLines, exitCodeFor, type RecapCounts } from './recap.js';
export { describeResult, plainProgress, listrProgress, type Progress } from './progress.js';
export { acquireLockLines, releaseLockLines, type LockInfo } from './lock-lines.js';
export type { ClusterOutcome } from './types.js';
export { describeCluster } from './progress.js';
export { clusterLockDir, keeperScript, takeClusterLock, lockHolder, type LockOutcome } from './cluster-lock.js';
export { rollbackScript, rollbackInput, rollbackHost, type RollbackInput } from './cluster-rollback.js';
export { serveProbeScript, parseServeProbe, serveProblems, proveServes, type ServeObservation } from './serve-check.js';
export { scriptWords } from './serve-check.js';
export type { LaneOps } from './lane.js';
