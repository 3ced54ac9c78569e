import { readFileSync } from 'node:fs';
import type { Topology } from '../../../src/topology/types.js';
import type { Observations } from '../../../src/verify/index.js';

const dir = new URL('../../fixtures/verify/', import.meta.url);

/** The 2 directors + 2 realservers topology the verify cases share. */
export function topology2x2(): Topology {
  const t = JSON.parse(readFileSync(new URL('topology-2x2.json', dir), 'utf8')) as Omit<Topology, 'roles'>;
  const roles = new Map<string, Set<'director' | 'realserver'>>();
  for (const c of t.clusters) {
    for (const d of c.directors) roles.set(d, new Set(['director']));
    for (const r of c.realservers) roles.set(r, new Set(['realserver']));
  }
  return { ...t, roles };
}

/** A fresh copy of the healthy observations: each case changes what it is about. */
export function healthy(): Observations {
  return JSON.parse(readFileSync(new URL('healthy-2x2.json', dir), 'utf8')) as Observations;
}

export function fixtureText(name: string): string {
  return readFileSync(new URL(name, dir), 'utf8');
}

/** A reachable host of the observations (the fixtures have only reachable hosts). */
export function host(o: Observations, name: string) {
  const h = o.hosts[name];
  if (!h || !h.reachable) throw new Error(`fixture host ${name} missing`);
  return h;
}
