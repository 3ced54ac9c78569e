/**
 * Python's `shlex.split(line, comments=True)` (POSIX mode), which Ansible's INI reader uses for
 * host lines. Its quirks are kept on purpose: `#` starts a comment even in the middle of a word
 * (`pass=ab#cd` is `pass=ab`), quotes are removed wherever they appear (`a="1"` is `a=1`), and a
 * backslash inside double quotes escapes only `"` and `\`.
 */
export function shlexSplit(line: string): { tokens: string[] } | { error: string } {
  const tokens: string[] = [];
  let token = '';
  let inToken = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      if (inToken) tokens.push(token);
      token = '';
      inToken = false;
      i++;
    } else if (c === '#') {
      break;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return { error: 'No closing quotation' };
      token += line.slice(i + 1, end);
      inToken = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      inToken = true;
      for (;;) {
        if (i >= line.length) return { error: 'No closing quotation' };
        const d = line[i];
        if (d === '"') {
          i++;
          break;
        }
        if (d === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) {
          token += line[i + 1];
          i += 2;
        } else {
          token += d;
          i++;
        }
      }
    } else if (c === '\\') {
      if (i + 1 >= line.length) return { error: 'No escaped character' };
      token += line[i + 1];
      inToken = true;
      i += 2;
    } else {
      token += c;
      inToken = true;
      i++;
    }
  }
  if (inToken) tokens.push(token);
  return { tokens };
}
