import type { Diagnostic } from '../diagnostics/index.js';
import type { YNode } from './yaml-out.js';

/** A host of the inventory as import needs it: its name and the address the fleet knows it by. */
export interface ImportHost {
  name: string;
  /** ansible_host, else the name. */
  address: string;
}

/** What import writes: hafleet_clusters, per-host variables, scripts kept, and every finding. */
export interface ImportResult {
  clusters: YNode[];
  hostVars: Map<string, [string, YNode][]>;
  /** Scripts found on hosts, kept beside the inventory (files/<host>/<path>). */
  keptFiles: { host: string; path: string; text: string }[];
  /** Errors: what cannot be kept (import exits 1 without --allow-partial); warnings: pitfalls. */
  diagnostics: Diagnostic[];
}
