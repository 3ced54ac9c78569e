import { error, type Diagnostic } from '../../diagnostics/index.js';
import { readUserFile, shownValue } from '../../render/index.js';
import { userFilesOf } from '../../topology/index.js';
import type { Rule } from '../rule.js';

/**
 * hafleet_files src on the admin box, as render reads it (the same reader): inside the inventory
 * directory after symlinks, a regular file of at most 1 MiB, text (no NUL, UTF-8). `hafleet lint`
 * says it before a deploy does — render/plan/deploy pass this gate first, and render checks again.
 */
export const userFile: Rule = {
  code: 'user-file',
  summary: 'a hafleet_files src that is missing, outside the inventory directory, not a regular file, over 1 MiB, binary or not UTF-8',
  check: ({ inv }) => {
    const out: Diagnostic[] = [];
    const seen = new Set<string>();
    for (const host of inv.hosts.keys()) {
      for (const u of userFilesOf(inv, host)) {
        // An entry written once in group_vars is every member's: said once.
        const id = `${u.srcWhere.file ?? host}:${u.srcWhere.line ?? ''}:${u.src}`;
        if (seen.has(id)) continue;
        seen.add(id);
        const read = readUserFile(inv.dir, u.src);
        if (!read.ok) out.push(error('user-file', `hafleet_files: ${shownValue(u.src)} ${read.reason}`, u.srcWhere, 'hafleet_files src is a text file of at most 1 MiB inside the inventory directory (import keeps them under files/<host>/)'));
      }
    }
    return out;
  },
};
