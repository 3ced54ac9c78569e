/**
 * One escaper per output context. Each takes a value a template wants to write and returns the
 * exact text to write, or throws EscapeError when the value cannot be written safely in that
 * context. Refusing is preferred to escaping wherever the target's lexer has no escapes
 * (keepalived), so that no value can ever change the structure of the file it lands in.
 *
 * keepalived (lib/parser.c, read at acassen/keepalived master):
 * - A line is read whole; `decomment()` cuts it at the first `#` or `!` outside "…", and a `\`
 *   outside quotes either unescapes `\#`/`\!` or, at the end of the line, joins the next line
 *   (continuation). Inside "…" a `\` skips the next character, so `\"` does not end the string.
 * - `alloc_strvec_r` splits words on white space; "…" and '…' group a word, `\` escapes the next
 *   character (with escapes on, `\n` etc. become control characters). There is no other escape:
 *   a `"` or a newline in a value cannot be written inside "…", so it is refused.
 * - `{` and `}` outside "…" open and close blocks wherever they appear on a line.
 * - `$NAME` / `${NAME}` anywhere on a line is replaced by a `$NAME=…` definition (keepalived
 *   2.x), multi-line ones included: `$` is refused even inside "…".
 * - A line starting with `@` is conditional on the router id (`@lb1 …`), `~SEQ(` / `~LST(` at the
 *   start of a line repeat it: bare words never start a line with one of these, their charset
 *   leaves `@`, `~` and `$` out. `include` (+ r/m/w/b/a) pulls in files only when white space
 *   follows it (is_include); a word that starts a line in the bundled template is alone on it
 *   (track_script, unicast_peer items) or followed by `/` (VIPs), never by a space.
 * - Lines longer than MAXBUF (1024) are cut: values are limited well below that.
 * nginx (src/core/ngx_conf_file.c, ngx_conf_read_token, read at nginx/nginx master): a token
 * starts with `"` or `'` (quoted to the matching quote), or is bare and ends at white space, `;`
 * or `{` (`}`, `#` and quotes only count at a token's start; `${` does not end it). `\` makes the
 * next character literal in both, and the word's text then decodes `\" \' \\ \t \r \n`: so "…"
 * escapes `\` and `"`. `$name` is expanded later by directives that take variables (proxy_pass,
 * root, return, …), quoted or not, so `$` is refused rather than escaped.
 */
import { passthroughProblem, type PassthroughDialect } from '../topology/index.js';

/** A value the escaper cannot write safely; the template layer adds the template's line. */
export class EscapeError extends Error {}

const MAX_KEEPALIVED = 512;
const MAX_WORD = 255;

function fail(helper: string, why: string): never {
  throw new EscapeError(`${helper}: ${why}`);
}

/** Readable description of the first offending character, without echoing the (maybe secret) value. */
function charName(c: string): string {
  const cp = c.codePointAt(0)!;
  if (c === '\n') return 'a newline';
  if (c === '\r') return 'a carriage return';
  if (c === '\0') return 'a NUL character';
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return `control character U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  if (cp > 0x7e) return `non-ASCII character U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return `'${c}'`;
}

// C0, DEL, C1, and the Unicode line/paragraph separators some tools treat as newlines.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;

/** A number renders as itself; a string is checked; anything else is a template bug. */
function text(helper: string, v: unknown): string {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) fail(helper, `got ${v === null ? 'null' : 'an undefined value'} (guard it with {{#if}})`);
  return fail(helper, `got a ${Array.isArray(v) ? 'list' : typeof v}, not a string or number`);
}

function firstBad(s: string, bad: RegExp): string | null {
  const m = bad.exec(s);
  return m ? m[0] : null;
}

/** keepalived quoted string: `"value"`. keepalived has no escape that survives decomment and strvec both: refuse. */
export function kq(v: unknown): string {
  const s = text('kq', v);
  if (s.length > MAX_KEEPALIVED) fail('kq', `value longer than ${MAX_KEEPALIVED} characters`);
  const bad = firstBad(s, /[\u0000-\u001f\u007f-\u009f\u2028\u2029"\\$]/u);
  if (bad !== null) fail('kq', `${charName(bad)} cannot be written inside a keepalived "…" string`);
  return `"${s}"`;
}

// Letters, digits and the punctuation of addresses, interfaces (eth0.10, br-lan, lo:0), paths
// and URL paths: nothing keepalived's line reader treats specially (# ! " ' \ { } $ @ ~ space).
const KW = /^[A-Za-z0-9_.:/%+,=?&-]+$/;

/** keepalived bare word (router_id, interface, instance and script names, addresses). */
export function kw(v: unknown): string {
  const s = text('kw', v);
  if (s === '') fail('kw', 'empty value where keepalived expects a word');
  if (s.length > MAX_WORD) fail('kw', `value longer than ${MAX_WORD} characters`);
  const bad = firstBad(s, /[^A-Za-z0-9_.:/%+,=?&-]/u);
  if (bad !== null || !KW.test(s)) fail('kw', `${charName(bad ?? s[0]!)} is not allowed in a keepalived word (letters, digits and _ . : / % + , = ? & - only)`);
  // At the start of a line and followed by a word, keepalived would read it as an include.
  if (/^include[rmwba]?$/.test(s)) fail('kw', `'${s}' is keepalived's include keyword`);
  return s;
}

/** nginx quoted string: `"value"` with `\` and `"` escaped; `$`, newlines and control characters refused. */
export function nq(v: unknown): string {
  const s = text('nq', v);
  if (s.length > 4096) fail('nq', 'value longer than 4096 characters');
  const bad = firstBad(s, /[\u0000-\u001f\u007f-\u009f\u2028\u2029$]/u);
  if (bad !== null) fail('nq', `${charName(bad)} cannot be written inside an nginx "…" string`);
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

// No white space, ; { } " ' # \ $ (token, block, quote, comment, escape, variable), and none of the
// location/server_name modifiers ~ = @ * ^ at any place.
const NW = /^[A-Za-z0-9_.:/[\]%+,-]+$/;

/** nginx bare token (addresses, upstream names, sizes, times, URIs, paths). */
export function nw(v: unknown): string {
  const s = text('nw', v);
  if (s === '') fail('nw', 'empty value where nginx expects a word');
  if (s.length > MAX_WORD) fail('nw', `value longer than ${MAX_WORD} characters`);
  const bad = firstBad(s, /[^A-Za-z0-9_.:/[\]%+,-]/u);
  if (bad !== null || !NW.test(s)) fail('nw', `${charName(bad ?? s[0]!)} is not allowed in an nginx word (letters, digits and _ . : / [ ] % + , - only)`);
  return s;
}

/** Several nginx tokens separated by one space (server_name's names). */
export function nwords(v: unknown): string {
  if (!Array.isArray(v)) fail('nwords', 'expects a list');
  if (v.length === 0) fail('nwords', 'empty list where nginx expects at least one word');
  return v.map(nw).join(' ');
}

/** One POSIX sh word, single-quoted (nothing inside '…' is special but ' itself). NUL cannot be in an argument. */
export function sh(v: unknown): string {
  const s = text('sh', v);
  if (typeof v === 'number') return s;
  if (s.includes('\0')) fail('sh', 'a NUL character cannot be passed to a command');
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A word list for sh, each word quoted: a list, or a string split on white space (a command line). */
export function shwords(v: unknown): string {
  const words = Array.isArray(v) ? v : text('shwords', v).split(/\s+/u).filter((w) => w !== '');
  if (words.length === 0) fail('shwords', 'empty word list');
  return words.map(sh).join(' ');
}

/**
 * A list as ONE single-quoted sh word, items separated by a space, for a script that splits it
 * unquoted (`for v in $LIST`): items may hold no white space (a new item) and no glob character.
 */
export function shlist(v: unknown): string {
  if (!Array.isArray(v)) fail('shlist', 'expects a list');
  const items = v.map((x) => text('shlist', x));
  for (const x of items) {
    if (x === '') fail('shlist', 'an empty item would vanish when the list is split');
    const bad = firstBad(x, /[\s*?[\]\\'\u0000-\u001f\u007f-\u009f]/u);
    if (bad !== null) fail('shlist', `${charName(bad)} is not allowed in a list item split by sh`);
  }
  return `'${items.join(' ')}'`;
}

/**
 * extra_keepalived / extra_nginx (what `hafleet import` kept verbatim): the text itself, only when
 * passthroughProblem finds it cannot leave the place it is written (balanced braces, closed
 * quotes, no include, no $VAR, no code): no escaper can make free text safe, so it is checked
 * whole, here at the last step as by the key walk before, and written unchanged.
 */
function block(helper: string, v: unknown, dialect: PassthroughDialect): string {
  const s = text(helper, v);
  const why = passthroughProblem(s, dialect);
  if (why !== undefined) fail(helper, `verbatim ${dialect} text must be ${why}`);
  return s.endsWith('\n') ? s.slice(0, -1) : s;
}

/** keepalived.conf text written verbatim at the top level (extra_keepalived). */
export function kblock(v: unknown): string {
  return block('kblock', v, 'keepalived');
}

/** nginx http-level text written verbatim (extra_nginx). */
export function nblock(v: unknown): string {
  return block('nblock', v, 'nginx');
}

/** Text inside a comment (`#` to the end of the line in keepalived, nginx and sh): a newline would end it early. */
export function comment(helper: string, v: unknown): string {
  const s = text(helper, v);
  if (s.length > MAX_KEEPALIVED) fail(helper, `value longer than ${MAX_KEEPALIVED} characters`);
  const bad = firstBad(s, CONTROL);
  if (bad !== null) fail(helper, `${charName(bad)} would end the comment early`);
  return s;
}

/** A value as text safe for a terminal and a message: JSON escapes control characters; long values are cut. Never for secrets. */
export function shownValue(v: string): string {
  const j = JSON.stringify(v.length > 120 ? `${v.slice(0, 120)}…` : v);
  return j.replace(/[\u007f-\u009f\u2028\u2029]/gu, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

/** An absolute, normalised file path (role.yaml `dest:`); confinement to managed paths is confinePath's. */
export function fspath(v: unknown): string {
  const s = text('fspath', v);
  const why = pathProblem(s);
  if (why) fail('fspath', `${shownValue(s)}: ${why}`);
  return s;
}

/** One file-name component (a cluster name inside a dest): no '/', not '.' or '..'. */
export function fsname(v: unknown): string {
  const s = text('fsname', v);
  if (s === '' || s === '.' || s === '..') fail('fsname', `${shownValue(s)} is not a file name`);
  const bad = firstBad(s, /[^A-Za-z0-9_.+-]/u);
  if (bad !== null) fail('fsname', `${shownValue(s)}: ${charName(bad)} is not allowed in a file name (letters, digits and _ . + - only)`);
  if (s.length > MAX_WORD) fail('fsname', `file name longer than ${MAX_WORD} characters`);
  return s;
}

/** Why `p` is not an absolute normalised path in hafleet's path charset, or null when it is. */
export function pathProblem(p: string): string | null {
  if (p.length === 0) return 'empty path';
  if (p.length > 4095) return 'path longer than 4095 characters (PATH_MAX)';
  const bad = firstBad(p, /[^A-Za-z0-9_./+-]/u);
  if (bad !== null) return `${charName(bad)} is not allowed in a path (letters, digits and _ . / + - only)`;
  if (!p.startsWith('/')) return 'not an absolute path';
  if (p === '/') return 'the root directory is not a file';
  const segs = p.slice(1).split('/');
  for (const seg of segs) {
    if (seg === '') return "an empty segment ('//' or a trailing '/')";
    if (seg === '.' || seg === '..') return `a '${seg}' segment`;
    if (seg.length > 255) return 'a path segment longer than 255 characters (NAME_MAX)';
  }
  return null;
}
