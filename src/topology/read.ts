import { ansibleBoolean, type VarValue } from '../inventory/index.js';

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
/**
 * Per-host variables often come from INI lines (`lb1 vrrp_priority=150 realserver_backup=yes`),
 * where Ansible keeps strings and converts when used: read them as Ansible would.
 */
export function hostInt(v: VarValue | undefined): number | undefined {
  return typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : int(v);
}
export function hostBool(v: VarValue | undefined): boolean | undefined {
  return ansibleBoolean(v);
}
/** A host variable coerced to its spec's scalar type the way Ansible would, else unchanged. */
export function coerceHostScalar(type: string, v: VarValue): VarValue {
  if (type === 'integer') return hostInt(v) ?? v;
  if (type === 'number') return typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v;
  if (type === 'boolean') return hostBool(v) ?? v;
  return v;
}
