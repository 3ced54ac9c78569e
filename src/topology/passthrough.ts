/**
 * extra_keepalived / extra_nginx: text the templates write verbatim at the top level of
 * keepalived.conf / inside nginx's http{} (the cluster's conf.d file) — what `hafleet import`
 * found and the model cannot say. Verbatim means no escaper can help, so the text itself must be
 * unable to break out of where it goes or reach beyond it:
 * - printable (tab and newline only; no CR, NUL, ESC, C1), at most 64 KiB;
 * - braces balanced outside quotes and comments, the depth never below zero (a `}` cannot close
 *   the block around it, an open `{` cannot swallow what follows), quotes closed;
 * - no `include` (it would read any file on the director into the config), no line continuation;
 * - keepalived: no `$NAME=` definition (it would redefine a variable for the rest of the file);
 * - nginx: no `load_module` and no embedded code (perl, lua, njs): a config that runs code.
 */

export const MAX_PASSTHROUGH = 64 * 1024;

export type PassthroughDialect = 'keepalived' | 'nginx';

// Control characters but tab and newline.
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_TAB_NL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

const NGINX_CODE = /^(load_module|perl\w*|\w*_by_lua\w*|lua_\w+|js_\w+)$/;

/** Why `text` cannot be written verbatim, or undefined. */
export function passthroughProblem(text: string, dialect: PassthroughDialect): string | undefined {
  if (text.length > MAX_PASSTHROUGH) return `at most ${MAX_PASSTHROUGH} characters`;
  if (CONTROL_BUT_TAB_NL.test(text)) return 'printable text (tab and newline only: no CR, NUL, ESC or other control characters)';
  if (/\u2028|\u2029/.test(text)) return 'text without Unicode line separators';
  let depth = 0;
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    if (/\\\s*$/.test(line)) return `no line continuation (line ${n + 1} ends in \\)`;
    const words: string[] = [];
    let word = '';
    let quote: string | undefined;
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (quote) {
        if (c === '\\' && dialect === 'nginx') { i++; continue; }
        if (c === quote) quote = undefined;
        continue;
      }
      if (c === '"' || (dialect === 'nginx' && c === "'")) { quote = c; word += c; continue; }
      if (c === '#' || (dialect === 'keepalived' && c === '!')) break;
      if (c === '{' || c === '}' || c === ';' || c === ' ' || c === '\t') {
        if (word) words.push(word);
        word = '';
        if (c === '{') depth++;
        if (c === '}' && --depth < 0) return `braces that close nothing (line ${n + 1})`;
        if (c === '{' || c === '}' || c === ';') words.push(c);
        continue;
      }
      word += c;
    }
    if (word) words.push(word);
    // keepalived quotes end with the line; nginx strings may not span lines here either.
    if (quote) return `quotes closed on their line (line ${n + 1})`;
    // A directive is the first word of a line or the word after ';', '{' or '}'.
    for (let w = 0; w < words.length; w++) {
      const prev = words[w - 1];
      if (w > 0 && prev !== ';' && prev !== '{' && prev !== '}') continue;
      const d = words[w]!;
      if (d === 'include' || d === 'include_dir') return `no include (line ${n + 1}): put the text itself here`;
      if (dialect === 'keepalived' && /^\$/.test(d)) return `no $VARIABLE definitions (line ${n + 1})`;
      if (dialect === 'nginx' && NGINX_CODE.test(d)) return `no ${d} (line ${n + 1}): it loads or runs code`;
    }
  }
  if (depth !== 0) return 'balanced braces (a { is never closed)';
  return undefined;
}
