/**
 * Host names as inventories write them: `web[01:10]`, `db-[a:c]`, `node[1:9:2]-eth0`, with an
 * optional `:port` (`web1:2222`, `[::ffff:198.18.0.1]:2222`). Mirrors Ansible's
 * `expand_hostname_range` and `parse_address`, including their rules: a zero-padded start keeps its
 * width and needs an end of the same width; letters range over ASCII letters; a step is optional.
 */
export type HostPattern = { hosts: string[]; port?: number } | { error: string };

const ASCII_LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

export function expandHostPattern(pattern: string): HostPattern {
  const { name, port } = splitPort(pattern.trim());
  if (name === '') return { error: `empty host name in '${pattern}'` };
  if (!name.includes('[')) return port === undefined ? { hosts: [name] } : { hosts: [name], port };
  const hosts: string[] = [];
  const err = expandInto(name, hosts);
  if (err) return { error: `${err} in '${pattern}'` };
  return port === undefined ? { hosts } : { hosts, port };
}

/** `name:port` when exactly one `:` stands outside brackets and digits follow it. */
function splitPort(s: string): { name: string; port?: number } {
  const v6 = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(s);
  if (v6 && (v6[1].match(/:/g)?.length ?? 0) >= 2) return { name: v6[1], port: v6[2] ? Number(v6[2]) : undefined };
  let depth = 0;
  const outside: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '[') depth++;
    else if (s[i] === ']') depth--;
    else if (s[i] === ':' && depth === 0) outside.push(i);
  }
  if (outside.length === 1) {
    const at = outside[0];
    const port = s.slice(at + 1);
    if (/^\d+$/.test(port)) return { name: s.slice(0, at), port: Number(port) };
  }
  return { name: s };
}

function expandInto(name: string, out: string[]): string | undefined {
  const open = name.indexOf('[');
  if (open < 0) {
    out.push(name);
    return undefined;
  }
  const close = name.indexOf(']', open);
  if (close < 0) return 'unclosed [ in host range';
  const head = name.slice(0, open);
  const tail = name.slice(close + 1);
  const bounds = name.slice(open + 1, close).split(':');
  if (bounds.length !== 2 && bounds.length !== 3) return 'host range must be begin:end or begin:end:step';
  const beg = bounds[0] || '0';
  const end = bounds[1];
  const step = bounds.length === 3 ? Number(bounds[2]) : 1;
  if (!end) return 'host range must specify end value';
  if (!Number.isInteger(step) || step < 1) return 'host range step must be a positive integer';
  let seq: string[];
  const iBeg = ASCII_LETTERS.indexOf(beg);
  const iEnd = ASCII_LETTERS.indexOf(end);
  if (beg.length === 1 && end.length === 1 && iBeg >= 0 && iEnd >= 0) {
    if (iBeg > iEnd) return 'host range must have begin <= end';
    seq = [];
    for (let i = iBeg; i <= iEnd; i += step) seq.push(ASCII_LETTERS[i]);
  } else {
    if (!/^\d+$/.test(beg) || !/^\d+$/.test(end)) return `host range bounds '${beg}:${end}' are neither numbers nor single letters`;
    const width = beg[0] === '0' && beg.length > 1 ? beg.length : 0;
    if (width && width !== end.length) return 'host range must specify equal-length begin and end formats';
    seq = [];
    for (let i = Number(beg); i <= Number(end); i += step) seq.push(width ? String(i).padStart(width, '0') : String(i));
    if (seq.length === 0) return 'host range must have begin <= end';
  }
  for (const part of seq) {
    const err = expandInto(head + part + tail, out);
    if (err) return err;
  }
  return undefined;
}
