/**
 * Apply: execute a Plan on the hosts, safely (lock, validate before activation, atomic rename,
 * backups outside include dirs, handlers once, health checks, rollback), in rolling order. It
 * reports through `DeployOptions.onEvent` (`DeployEvent`s); the CLI draws them. Also the
 * plan-time on-host validation (`validatePlanOnHosts`), which shares the checker. This face is
 * what other parts use; apply's own tests import the inner files.
 */
export type { HostResult, DeployResult, DeployOptions, DeployEvent, Serial, ClusterOutcome } from './types.js';
export { deploy } from './deploy.js';
export { rollingOrder } from './rolling.js';
export { validatePlanOnHosts } from './validate-remote.js';
export { parseSerial, recapLines, exitCodeFor } from './recap.js';
export { describeResult, describeCluster } from './describe.js';
/** The cluster lock deploy takes, for operations that must not run beside a deploy (switchover, maintenance). */
export { takeClusterLock, type LockOutcome } from './cluster-lock.js';
