/**
 * The fleet layer: what every fleet command does before and around its own work, with plain
 * signatures (no argv, no process.env, no printing): load and gate the inventory into a `Fleet`,
 * reach its hosts (`hostRefOf`, `clusterRefsOf`), gather their facts, plan (with on-host
 * validation) and the rolling order deploy will follow. The CLI parses arguments, calls this and
 * picks a view; status, switchover, maintenance and import build on it the same way.
 */
export { loadFleet, type Fleet, type LoadFleetOptions } from './load.js';
export { hostRefOf, clusterRefsOf, type RefSource } from './host-refs.js';
export { gatherFleetFacts, serviceManagerOf, type GatherOptions } from './facts.js';
export { planFleet, type PlanFleetOptions, type PlannedFleet } from './plan.js';
export { rolloutOf } from './rollout.js';
export { whoAmI } from './who.js';
export { drainedRealservers, settleDrained } from './maintenance.js';
export { hostsInMaintenance, maintenanceText, type HostInMaintenance } from './maintenance.js';
export { fleetDirectors, ledgerView, parseLedger, ledgerText, type LedgerView, type RealserverLedger } from './ledger.js';
export { tombstoneLedgers, writeLedgers, type LedgerWrite } from './ledger-write.js';
export { ledgerBeforeDeploy, ledgerAfterDeploy, ledgerAfterText, sealLedgers, type LedgerAfter, type LedgerBefore } from './ledger-deploy.js';
