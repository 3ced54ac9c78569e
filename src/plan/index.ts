/**
 * Plan: DesiredState × Facts → Plan, pure, plus its two renderings (human text and JSON).
 * Secrets are masked in every diff before it enters the plan; the plan holds no file content.
 */
export type { Change, HostPlan, Plan, ValidationOutcome } from './types.js';
export { plan, planHost, handlersToRun, recordMatches, hostHasChanges, newPlanId, type PlanOptions, type FactsByHost } from './plan.js';
export { fileChange, deleteChange, sha256, normalizeMode } from './file-change.js';
export { maskText, maskPair, MASK } from './mask.js';
export { unifiedDiff } from './diff.js';
export { summarize, closingLine } from './summary.js';
export { renderPlanText, renderHostText, planJson, type TextOptions } from './render-text.js';
export { withValidations } from './validations.js';
export { isManagedPath } from './managed-path.js';
export { hostsToDeploy, renderRolloutText, type RolloutOrder } from './rollout.js';
export { behaviourOf, confKindOf, type ConfKind } from './behaviour.js';
export { behaviourReport } from './behaviour.js';
