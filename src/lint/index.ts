/**
 * lint: inventory and cluster consistency. Rules are a list (rules/index.ts), one file each, with
 * a stable code; every finding is a Diagnostic with file:line:col, what to do in the hint.
 * `gateInventory` is the same checks as the gate render, plan and deploy pass first.
 */
export type { Rule, LintContext } from './rule.js';
export { rules } from './rules/index.js';
export { lint, lintInventory } from './run.js';
export { gateInventory } from './gate.js';
