/**
 * Test helper: which characters of a generated script bash reads inside single quotes. Enough of
 * bash's lexer for our scripts: single and double quotes, backslashes, `$( )` / `${ }` / backticks
 * (nested, with their own quoting), comments, and here-document bodies (literal when the delimiter is quoted).
 * A value that went through `q` shows up only inside single quotes; one interpolated raw, or
 * inside double quotes, shows up outside them.
 */
type Frame = { kind: 'N' | 'D'; end: string; depth: number };

export function singleQuotedMask(script: string): Uint8Array {
  const mask = new Uint8Array(script.length);
  const stack: Frame[] = [{ kind: 'N', end: '', depth: 0 }];
  const heredocs: { word: string; quoted: boolean }[] = [];
  let i = 0;
  const top = () => stack[stack.length - 1]!;
  const wordStart = (at: number) => at === 0 || /[\s;&|()]/.test(script[at - 1]!);
  while (i < script.length) {
    const c = script[i]!;
    const f = top();
    if (f.kind === 'N') {
      if (c === "'") {
        const close = script.indexOf("'", i + 1);
        if (close < 0) throw new Error(`unterminated single quote at ${i}`);
        for (let k = i + 1; k < close; k++) mask[k] = 1;
        i = close + 1;
        continue;
      }
      if (c === '\\') { i += 2; continue; }
      if (c === '"') { stack.push({ kind: 'D', end: '"', depth: 0 }); i++; continue; }
      if (c === '#' && wordStart(i)) { while (i < script.length && script[i] !== '\n') i++; continue; }
      if (c === '\n' && heredocs.length > 0) {
        i++;
        for (const { word, quoted } of heredocs.splice(0)) {
          for (;;) {
            const nl = script.indexOf('\n', i);
            const line = script.slice(i, nl < 0 ? script.length : nl);
            // A quoted delimiter makes the body literal (as good as single quotes); otherwise it expands.
            if (quoted && line.replace(/^\t+/, '') !== word) for (let k = i; k < i + line.length; k++) mask[k] = 1;
            i = nl < 0 ? script.length : nl + 1;
            if (line.replace(/^\t+/, '') === word || nl < 0) break;
          }
        }
        continue;
      }
      if (script.startsWith('<<', i) && !script.startsWith('<<<', i)) {
        const m = /^<<-?\s*(?:'([^']*)'|"([^"]*)"|([A-Za-z_0-9]+))/.exec(script.slice(i));
        if (m) { heredocs.push({ word: m[1] ?? m[2] ?? m[3]!, quoted: m[3] === undefined }); i += m[0].length; continue; }
      }
    } else if (c === '\\') { i += 2; continue; }
    if (c === f.end && f.depth === 0 && f.end !== '') { stack.pop(); i++; continue; }
    if (f.kind === 'D' && c === '"') { stack.pop(); i++; continue; }
    if (c === '$' && script[i + 1] === '(') { stack.push({ kind: 'N', end: ')', depth: 0 }); i += 2; continue; }
    if (c === '$' && script[i + 1] === '{') { stack.push({ kind: 'N', end: '}', depth: 0 }); i += 2; continue; }
    if (c === '`') { stack.push({ kind: 'N', end: '`', depth: 0 }); i++; continue; }
    if (f.kind === 'N' && f.end === ')' && c === '(') f.depth++;
    else if (f.kind === 'N' && f.end === ')' && c === ')') f.depth--;
    i++;
  }
  return mask;
}

/** Offsets of `needle` in `script` that bash would read outside single quotes. */
export function unquotedOccurrences(script: string, needle: string): number[] {
  const mask = singleQuotedMask(script);
  const out: number[] = [];
  for (let at = script.indexOf(needle); at >= 0; at = script.indexOf(needle, at + 1)) {
    for (let k = at; k < at + needle.length; k++) if (!mask[k]) { out.push(at); break; }
  }
  return out;
}
