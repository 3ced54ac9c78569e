/**
 * `hafleet import`: adopt a running hand-built fleet. Read (over SSH, read-only, or from local
 * copies) → HostSnapshot → model (pure) → DIR (inventory, group_vars/host_vars with the source of
 * every value, the scripts found). Pitfalls are reported, never fixed.
 */
export { buildImportScript, IMPORT_MARK, IMPORT_MAX_BYTES } from './read-script.js';
export { parseImportReport } from './parse-read.js';
export { snapshotFromFiles, hostsInFolder } from './from-files.js';
export { readHosts, type HostRead } from './read-hosts.js';
export { buildImport, parseHosts, snapshotFiles } from './model.js';
export { writeImportDir } from './write-dir.js';
export { toYaml } from './yaml-out.js';
export { blockText } from './verbatim.js';
export type { HostSnapshot, SnapFile, Speaker } from './snapshot.js';
export type { ImportHost, ImportResult } from './types.js';
