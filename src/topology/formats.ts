/**
 * Named string types of the key table: every string hafleet writes into a config file, a script
 * or a command line has one. A format is a check (pure, with the reason in words), and a JSON
 * Schema pattern for editors (the check is the authority; where the pattern cannot say it all,
 * e.g. an address, the pattern is a superset and the doc says so).
 *
 * Under every format, and under strings without one, lies the floor (`floorReason`): no control
 * character (C0, DEL, C1: a newline would start a new directive or command), at most 4096
 * characters. The key walk applies it to every string the table types, so a new key cannot
 * forget it.
 */
import { parseAddress } from './vips.js';
import { MAX_PASSTHROUGH, passthroughProblem } from './passthrough.js';

export type StringFormat =
  | 'ifname' | 'vip-label' | 'auth-pass' | 'user-name' | 'login-name' | 'command' | 'abs-path' | 'log-path'
  | 'error-page-path' | 'address' | 'host-or-address' | 'inventory-name' | 'words' | 'http-path'
  | 'keepalived-block' | 'nginx-block' | 'inventory-file' | 'file-dest';

/** Longest string any key accepts. */
export const MAX_STRING = 4096;

// C0 (newline included), DEL and C1.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** The floor as a JSON Schema pattern, for strings without a format. */
export const FLOOR_PATTERN = '^[^\\u0000-\\u001f\\u007f-\\u009f]*$';

/** Why a string fails the floor every typed string must pass, or undefined. */
export function floorReason(v: string): string | undefined {
  if (CONTROL.test(v)) return 'a string without control characters (newline, tab, NUL, ESC…)';
  if (v.length > MAX_STRING) return `a string of at most ${MAX_STRING} characters`;
  return undefined;
}

// Linux IFNAMSIZ is 16 with the NUL: 15 characters. dev_valid_name() forbids '/', ':' and
// whitespace and the names '.' and '..'; the charset below is what `ip link` users write.
const IFNAME_CHARS = 'A-Za-z0-9_.+-';
const IFNAME = `(?!\\.\\.?$)[${IFNAME_CHARS}]{1,15}`;
// keepalived execs commands itself (no shell), splitting on spaces; keep every word plain anyway,
// so no shell, keepalived quoting or template layer can read more into it.
const WORD_CHARS = 'A-Za-z0-9_./+@%,:=-';
// An absolute normalised path: no '//', no '/./', no trailing '/', no '..' anywhere.
const PATH_CHARS = 'A-Za-z0-9_.+@-';
// A segment is at most NAME_MAX (255) bytes.
const ABS_PATH = `(?!.*\\.\\.)(?!.*/\\.(?:/|$))(?:/[${PATH_CHARS}]{1,255})+`;
// The same as the first word of a command line (a '/.' segment ends at a space too).
const COMMAND = `(?!.*\\.\\.)(?!\\S*/\\.(?:/| |$))(?:/[${PATH_CHARS}]{1,255})+(?: +[${WORD_CHARS}]+)*`;
// hafleet_files: a path relative to the inventory directory (realpath-checked by render too).
const REL_PATH = `(?!.*\\.\\.)(?!\\.(?:/|$))(?!.*/\\.(?:/|$))[${PATH_CHARS}]{1,255}(?:/[${PATH_CHARS}]{1,255})*`;
/** Where hafleet_files may land: where keepalived's scripts and an operator's own tools live, nowhere else. */
export const FILE_DEST_DIRS = ['/etc/keepalived/', '/usr/local/sbin/', '/usr/local/bin/'] as const;
const FILE_DEST = `(?=${FILE_DEST_DIRS.map((d) => d.replace(/\//g, '\\/')).join('|')})${ABS_PATH}`;
const ADDRESS_SUPERSET = '(?:[0-9]{1,3}(?:\\.[0-9]{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)';
const INVENTORY_NAME = `(?=.{1,253}$)[A-Za-z0-9_:][A-Za-z0-9._:-]*`;

/** Paths, commands and word lists: well under PATH_MAX (4096), so a path always fits. */
export const MAX_PATH = 1024;

interface FormatDef {
  /** What the value must be, in words: "… is not <describe>". */
  describe: string;
  /** Longest value (the floor's MAX_STRING when absent). */
  max?: number;
  /** JSON Schema (ECMA-262) pattern; the check below is exact. */
  pattern: string;
  check(v: string): boolean;
  /** Verbatim text (passthrough.ts): newlines and tabs allowed, its own checks instead of the floor's. */
  multiline?: true;
}

const re = (body: string) => new RegExp(`^${body}$`);
const match = (body: string, max = MAX_STRING) => { const r = re(body); return (v: string) => v.length <= max && r.test(v); };

export const FORMATS: Record<StringFormat, FormatDef> = {
  ifname: {
    describe: `an interface name (1–15 of ${IFNAME_CHARS}, not . or ..)`,
    pattern: `^${IFNAME}$`,
    check: match(IFNAME),
  },
  'vip-label': {
    describe: `an address label: the device name, optionally followed by :suffix (at most 15 of ${IFNAME_CHARS}:)`,
    pattern: `^(?=.{1,15}$)[${IFNAME_CHARS}]+(?::[${IFNAME_CHARS}:]*)?$`,
    check: match(`(?=.{1,15}$)[${IFNAME_CHARS}]+(?::[${IFNAME_CHARS}:]*)?`),
  },
  'auth-pass': {
    // Whitespace splits keepalived tokens, '#' and '!' start its comments, '$' its variables,
    // '{' '}' its blocks, quotes and '\' its strings: none can be written safely. A backtick is
    // harmless to keepalived but is a quote to every shell a config may pass through: out too.
    describe: 'printable ASCII without spaces, quotes (\' " `), #, !, $, {, } or \\',
    pattern: '^[A-Za-z0-9%&()*+,./:;<=>?@\\[\\]^_|~-]+$',
    check: match('[A-Za-z0-9%&()*+,./:;<=>?@\\[\\]^_|~-]+'),
  },
  'user-name': {
    describe: 'a user name (POSIX/Debian: [a-z_][a-z0-9_-]*, at most 32 characters)',
    pattern: '^[a-z_][a-z0-9_-]{0,31}$',
    check: match('[a-z_][a-z0-9_-]{0,31}'),
  },
  'login-name': {
    // SSH and sudo accept more than useradd creates (directory users: capitals, dots).
    describe: 'a login name ([A-Za-z_][A-Za-z0-9_.-]*, at most 32 characters)',
    pattern: '^[A-Za-z_][A-Za-z0-9_.-]{0,31}$',
    check: match('[A-Za-z_][A-Za-z0-9_.-]{0,31}'),
  },
  command: {
    describe: `an absolute normalised path, then optional arguments of ${WORD_CHARS} separated by spaces (no quotes, $, \`, ;, |, &, <, >)`,
    max: MAX_PATH,
    pattern: `^${COMMAND}$`,
    check: match(COMMAND, MAX_PATH),
  },
  'abs-path': {
    describe: `an absolute normalised path of ${PATH_CHARS} (no //, /./, .., trailing /)`,
    max: MAX_PATH,
    pattern: `^${ABS_PATH}$`,
    check: match(ABS_PATH, MAX_PATH),
  },
  'log-path': {
    describe: 'an absolute normalised path under /var/log/',
    max: MAX_PATH,
    pattern: `^(?=/var/log/)${ABS_PATH}$`,
    check: match(`(?=/var/log/)${ABS_PATH}`, MAX_PATH),
  },
  'error-page-path': {
    describe: 'an absolute normalised path ending in .html under /usr/share/hafleet/',
    max: MAX_PATH,
    pattern: `^(?=/usr/share/hafleet/)(?=.*\\.html$)${ABS_PATH}$`,
    check: match(`(?=/usr/share/hafleet/)(?=.*\\.html$)${ABS_PATH}`, MAX_PATH),
  },
  address: {
    describe: 'an IPv4 address (dotted quad) or an IPv6 address',
    pattern: `^${ADDRESS_SUPERSET}$`,
    max: 45,
    check: (v) => v.length <= 45 && parseAddress(v) !== undefined,
  },
  'host-or-address': {
    describe: 'a host name (letters, digits, . - _) or an IPv4/IPv6 address',
    pattern: `^(?:${INVENTORY_NAME})$`,
    max: 253,
    check: (v) => v.length <= 253 && (parseAddress(v) !== undefined || re('(?=.{1,253}$)[A-Za-z0-9_][A-Za-z0-9._-]*').test(v)),
  },
  'inventory-name': {
    describe: 'a safe name (letters, digits, . - _ and : for IPv6, at most 253, not starting with - or .)',
    pattern: `^${INVENTORY_NAME}$`,
    check: match(INVENTORY_NAME),
  },
  words: {
    describe: `words of ${WORD_CHARS} separated by spaces`,
    max: MAX_PATH,
    pattern: `^[${WORD_CHARS}]+(?: +[${WORD_CHARS}]+)*$`,
    check: match(`[${WORD_CHARS}]+(?: +[${WORD_CHARS}]+)*`, MAX_PATH),
  },
  'keepalived-block': {
    describe: 'keepalived.conf text with balanced braces and closed quotes, no include, no $VARIABLE definition, printable, at most 64 KiB',
    max: MAX_PASSTHROUGH,
    pattern: '^[^\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f]*$',
    multiline: true,
    check: (v) => passthroughProblem(v, 'keepalived') === undefined,
  },
  'nginx-block': {
    describe: 'nginx http-level text with balanced braces and closed quotes, no include, load_module or embedded code, printable, at most 64 KiB',
    max: MAX_PASSTHROUGH,
    pattern: '^[^\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f]*$',
    multiline: true,
    check: (v) => passthroughProblem(v, 'nginx') === undefined,
  },
  'inventory-file': {
    describe: `a path relative to the inventory directory, of ${PATH_CHARS} segments (not absolute, no .., no ./)`,
    max: MAX_PATH,
    pattern: `^${REL_PATH}$`,
    check: match(REL_PATH, MAX_PATH),
  },
  'file-dest': {
    describe: `an absolute normalised path under ${FILE_DEST_DIRS.join(', ')}`,
    max: MAX_PATH,
    pattern: `^${FILE_DEST}$`,
    check: match(FILE_DEST, MAX_PATH),
  },
  'http-path': {
    describe: 'a URL path of A-Za-z0-9 and ._~%/?=&+,:@- (no spaces, quotes, #, !, $, ;)',
    max: MAX_PATH,
    pattern: '^[A-Za-z0-9._~%/?=&+,:@-]+$',
    check: match('[A-Za-z0-9._~%/?=&+,:@-]+', MAX_PATH),
  },
};

/** Whether `v` is a safe inventory name for a host or group hafleet writes into configs and scripts. */
export function isSafeName(v: string): boolean {
  return FORMATS['inventory-name'].check(v);
}
