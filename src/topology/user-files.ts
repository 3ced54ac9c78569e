/**
 * hafleet_files of one host, typed: the operator's own files (a hand-written track script import
 * kept) that the roles deploy byte for byte. The key walk has checked every entry already (src an
 * inventory-file, dest a file-dest, mode at most 0755): an entry that failed it stopped the gate,
 * so one of the wrong shape here reads as absent. Reading src (realpath, size, text) is render's.
 */
import type { Where } from '../diagnostics/index.js';
import type { Inventory } from '../inventory/types.js';
import { list, obj, str } from './read.js';
import { whereAt } from './where.js';

export interface UserFile {
  /** Relative to the inventory directory. */
  src: string;
  /** Absolute, under FILE_DEST_DIRS. */
  dest: string;
  /** Octal string, e.g. `0755`. */
  mode: string;
  /** Where the entry's `src` key is written, for every finding about the file it names. */
  srcWhere: Where;
  /** Where its `dest` key is written. */
  where: Where;
}

/** The host's hafleet_files entries, in inventory order. */
export function userFilesOf(inv: Inventory, host: string): UserFile[] {
  const entries = list(inv.hosts.get(host)?.vars.hafleet_files) ?? [];
  const out: UserFile[] = [];
  entries.forEach((e, i) => {
    const o = obj(e);
    const src = str(o.src);
    const dest = str(o.dest);
    if (src === undefined || dest === undefined) return;
    out.push({
      src, dest, mode: (str(o.mode) ?? '0644').padStart(4, '0'),
      srcWhere: whereAt(inv, host, ['hafleet_files', i, 'src'], true),
      where: whereAt(inv, host, ['hafleet_files', i, 'dest'], true),
    });
  });
  return out;
}
