/**
 * Give back the file pages start-up touched. Node maps its 95 MB binary; reading the start-up
 * snapshot, bootstrapping and compiling the agent's modules fault in ≈ 35 MiB of it (the kernel
 * maps 64 KiB around each fault), almost all never used again by an agent that only sends and
 * receives adverts. They count in its RSS although they are clean page cache. MADV_DONTNEED on a
 * read-only private file mapping drops our page-table entries only: the page cache keeps them,
 * and a page the agent needs again faults back in from the same file, so the resident set
 * becomes the working set (≈ 20 MiB less; bench/results/issue16-footprint.md).
 *
 * Only mappings that are file-backed, not writable, and hold no anonymous (copy-on-write) page:
 * dropping a COW'd page (relocations, RELRO) would revert it to the file's bytes.
 */
import fs from 'node:fs';
import * as libc from './libc.js';

export interface Mapping {
  start: bigint;
  end: bigint;
  perms: string;
  path: string;
  /** kB of anonymous (private, copy-on-write) pages in it. */
  anonymousKb: number;
  rssKb: number;
}

/** /proc/PID/smaps → its mappings (the fields this module needs). */
export function parseSmaps(text: string): Mapping[] {
  const out: Mapping[] = [];
  let cur: Mapping | undefined;
  for (const line of text.split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      cur = { start: BigInt(`0x${head[1]}`), end: BigInt(`0x${head[2]}`), perms: head[3]!, path: head[4] ?? '', anonymousKb: 0, rssKb: 0 };
      out.push(cur);
      continue;
    }
    const field = /^(Rss|Anonymous):\s+(\d+) kB/.exec(line);
    if (field && cur) {
      if (field[1] === 'Rss') cur.rssKb = Number(field[2]);
      else cur.anonymousKb = Number(field[2]);
    }
  }
  return out;
}

/** The mappings whose resident pages can be dropped and faulted back from their file unchanged. */
export function droppable(maps: readonly Mapping[]): Mapping[] {
  return maps.filter((m) => m.path.startsWith('/') && m.perms[1] === '-' && m.perms[3] === 'p' && m.anonymousKb === 0 && m.rssKb > 0);
}

/** Drop the resident clean file pages of this process; returns the kB that were resident in them. */
export function dropStartupPages(): number {
  let kb = 0;
  try {
    for (const m of droppable(parseSmaps(fs.readFileSync('/proc/self/smaps', 'utf8')))) {
      if (libc.madvise(m.start, m.end, libc.C.MADV_DONTNEED)) kb += m.rssKb;
    }
  } catch {
    // No /proc (not Linux) or no smaps: nothing to give back, nothing lost.
  }
  return kb;
}
