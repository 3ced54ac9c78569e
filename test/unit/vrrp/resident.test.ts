/** src/vrrp/io/resident.ts: which mappings may give their pages back (never a copy-on-write one). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { droppable, dropStartupPages, parseSmaps } from '../../../src/vrrp/io/resident.js';

const SMAPS = `00400000-00b6f000 r--p 00000000 fe:00 260689                             /usr/bin/node
Size:               7612 kB
Rss:                5944 kB
Anonymous:             0 kB
00b72000-025fe000 r-xp 00772000 fe:00 260689                             /usr/bin/node
Rss:               16632 kB
Anonymous:             0 kB
05640000-05650000 r--p 05240000 fe:00 260689                             /usr/bin/node
Rss:                  64 kB
Anonymous:            64 kB
05650000-05660000 rw-p 05250000 fe:00 260689                             /usr/bin/node
Rss:                  64 kB
Anonymous:            40 kB
265c2000-26885000 rw-p 00000000 00:00 0                                  [heap]
Rss:                2708 kB
Anonymous:          2708 kB
7f0000000000-7f0000100000 r-xp 00000000 00:00 0
Rss:                 512 kB
Anonymous:           512 kB
7f6e77a44000-7f6e77b9a000 r-xp 00026000 fe:00 339380                     /usr/lib/x86_64-linux-gnu/libc.so.6
Rss:                1048 kB
Anonymous:             0 kB
7f6e77c00000-7f6e77c01000 r--s 00000000 fe:00 1                          /dev/shm/x
Rss:                   4 kB
Anonymous:             0 kB
7ffd1000-7ffd3000 r-xp 00000000 00:00 0                                  [vdso]
Rss:                   8 kB
Anonymous:             0 kB
`;

test('smaps parses into mappings with their resident and anonymous kB', () => {
  const m = parseSmaps(SMAPS);
  assert.equal(m.length, 9);
  assert.deepEqual(m[1], { start: 0xb72000n, end: 0x25fe000n, perms: 'r-xp', path: '/usr/bin/node', anonymousKb: 0, rssKb: 16632 });
  assert.equal(m[5]!.path, '');
});

test('only read-only private file mappings without a copy-on-write page are droppable', () => {
  const d = droppable(parseSmaps(SMAPS)).map((m) => `${m.perms} ${m.path}`);
  // Not: RELRO (r--p with anonymous pages), writable data, the heap, JIT code (anonymous), shared, vdso.
  assert.deepEqual(d, ['r--p /usr/bin/node', 'r-xp /usr/bin/node', 'r-xp /usr/lib/x86_64-linux-gnu/libc.so.6']);
});

test('dropping this process’s start-up pages lowers its file RSS, and it keeps running', { skip: fs.existsSync('/proc/self/smaps') ? false : 'no /proc' }, () => {
  const fileKb = () => Number(/RssFile:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1]);
  const before = fileKb();
  const dropped = dropStartupPages();
  assert.ok(dropped > 0, 'some resident file pages were dropped');
  assert.ok(fileKb() < before, `RssFile ${before} → ${fileKb()} kB`);
  assert.equal(JSON.parse(JSON.stringify({ still: 'works' })).still, 'works');
});
