import type { VarValue, Vars } from '../inventory/types.js';

/** Typed reads of already-walked values: a value of the wrong type (reported by the key walk) reads as absent. */
export type Obj = Record<string, VarValue>;

export function obj(v: VarValue | undefined): Obj {
  return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
}
export function str(v: VarValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
export function int(v: VarValue | undefined): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}
export function num(v: VarValue | undefined): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
export function bool(v: VarValue | undefined): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}
export function list(v: VarValue | undefined): VarValue[] | undefined {
  return Array.isArray(v) ? v : undefined;
}
export function hostVar(vars: Vars, name: string): VarValue | undefined {
  return vars[name];
}
