/**
 * How requests spread over realservers, in words. A handful are named one by one (`web1 4, web2 4`);
 * a big pool is summed up (`498 realservers, 3–5 each`, and how many answers named none): one line
 * per VIP stays one line at 500 hosts. The full distribution stays in --json.
 */
export const NAMED_UP_TO = 10;

export function spreadText(d: Record<string, number>, sep = ', '): string {
  const entries = Object.entries(d);
  if (entries.length === 0) return 'none';
  if (entries.length <= NAMED_UP_TO) return entries.map(([h, n]) => `${h} ${n}`).join(sep);
  const counts = entries.filter(([h]) => h !== '?').map(([, n]) => n);
  const min = Math.min(...counts);
  const max = Math.max(...counts);
  const unnamed = d['?'] ? `; ${d['?']} unattributed` : '';
  return `${counts.length} realservers, ${min === max ? min : `${min}–${max}`} each${unnamed}`;
}
