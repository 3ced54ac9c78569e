/**
 * Secret masking for diffs. Secrets are masked on BOTH sides before diffing. Each distinct
 * secret value first becomes its own token, so a changed password still differs between the
 * sides and shows as a changed line; after diffing every token prints as `********`.
 */

export const MASK = '********';

/**
 * Lines whose value is a secret whatever the role says: the current file on a host may hold an
 * old password that the desired state no longer names (keepalived `auth_pass`).
 */
const SECRET_LINE_PATTERNS: RegExp[] = [/^(\s*auth_pass\s+)(\S+)(.*)$/];

const TOKEN = /\u0001S\d+\u0001/g;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Numbers secret values: the same value gets the same token on both sides. A value that spans
 * lines gets one token per line, joined by the same newlines: masking never changes the number
 * of lines, so a secret cannot hide a line it adds (a multi-line auth_pass adding a directive
 * shows as extra masked lines in the diff, not as one innocent `auth_pass ********`).
 */
class Tokens {
  private readonly byValue = new Map<string, string>();
  private next = 0;
  of(value: string): string {
    let t = this.byValue.get(value);
    if (!t) {
      t = value.split('\n').map((piece) => (piece === '' ? '' : `\u0001S${this.next++}\u0001`)).join('\n');
      this.byValue.set(value, t);
    }
    return t;
  }
}

function tokenizeLiterals(text: string, secrets: readonly string[], tokens: Tokens): string {
  const ordered = [...new Set(secrets.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
  let out = text;
  for (const s of ordered) out = out.split(s).join(tokens.of(s));
  return out;
}

/**
 * Where the desired content puts a secret, remember the text around it on its line: the same
 * line in the current file (same prefix and suffix) holds the old secret.
 */
function secretSlots(content: string, secrets: readonly string[]): RegExp[] {
  const slots: RegExp[] = [];
  for (const line of content.split('\n')) {
    for (const s of secrets) {
      const at = s ? line.indexOf(s) : -1;
      if (at < 0) continue;
      const prefix = line.slice(0, at);
      if (prefix.trim() === '') continue; // no anchor; literals cover it
      slots.push(new RegExp(`^(${escapeRegExp(prefix)})(.+?)(${escapeRegExp(line.slice(at + s.length))})$`));
    }
  }
  return slots;
}

function tokenizeLines(text: string, patterns: readonly RegExp[], tokens: Tokens): string {
  return text
    .split('\n')
    .map((line) => {
      for (const p of patterns) {
        const m = p.exec(line);
        if (m && !TOKEN.test(m[2]!)) return `${m[1]}${tokens.of(m[2]!)}${m[3] ?? ''}`;
        TOKEN.lastIndex = 0;
      }
      return line;
    })
    .join('\n');
}

/** Turn every token back into `********`. */
export function unmaskTokens(text: string): string {
  return text.replace(TOKEN, MASK);
}

/** Mask one text: the given secrets and the well-known secret lines. */
export function maskText(text: string, secrets: readonly string[]): string {
  const tokens = new Tokens();
  return unmaskTokens(tokenizeLines(tokenizeLiterals(text, secrets, tokens), SECRET_LINE_PATTERNS, tokens));
}

/**
 * The current and desired content of one file, ready to diff: secrets replaced by tokens that
 * `unmaskTokens` prints as `********` (see module comment).
 */
export function maskPair(current: string, desired: string, secrets: readonly string[]): { current: string; desired: string } {
  const tokens = new Tokens();
  const slots = [...secretSlots(desired, secrets), ...SECRET_LINE_PATTERNS];
  return {
    current: tokenizeLines(tokenizeLiterals(current, secrets, tokens), slots, tokens),
    desired: tokenizeLines(tokenizeLiterals(desired, secrets, tokens), SECRET_LINE_PATTERNS, tokens),
  };
}
