/**
 * keepalived 2.2.7's number readers (lib/parser.c read_unsigned_func, read_int_func,
 * read_decimal_unsigned_long_func), so the agent takes and refuses the same spellings and reports
 * them in keepalived's words: "+100" and "0100" are 100, "1e2" and "0x64" are invalid, a decimal
 * with more places than the reader keeps is rounded with an error and still used.
 */

export interface NumberRead {
  /** The value keepalived uses, when it uses one. */
  value?: number;
  /** keepalived's message for the line, when it reports one. */
  message?: string;
}

const WHITE = /^[ \t\n\v\f\r]*/;

/** strtoul(…, 10) with keepalived's checks: whole string, not negative, within [min, max]. */
export function readUnsigned(text: string, min: number, max: number): NumberRead {
  const t = text.replace(WHITE, '');
  if (t.startsWith('-')) return { message: `negative number '${text}'` };
  if (!/^\+?\d+$/.test(t)) return { message: `invalid number '${text}'` };
  const v = Number(t.replace('+', ''));
  if (v > 4294967295) return { message: `number '${text}' outside unsigned integer range` };
  if (v < min || v > max) return { message: `number '${text}' outside range [${min}, ${max}]` };
  return { value: v };
}

/** strtol(…, 10) with keepalived's checks. */
export function readInt(text: string, min: number, max: number): NumberRead {
  const t = text.replace(WHITE, '');
  if (!/^[+-]?\d+$/.test(t)) return { message: `invalid number '${text}'` };
  const v = Number(t);
  if (v < -2147483648 || v > 2147483647) return { message: `number '${text}' outside integer range` };
  if (v < min || v > max) return { message: `number '${text}' outside range [${min}, ${max}]` };
  return { value: v };
}

/**
 * A decimal with up to `shift` places, as an integer in 10^-shift units (advert_int 1.5, shift 6
 * → 1500000 µs). More places: keepalived reports it, rounds on the next digit and uses the value.
 * `min`/`max` are in the returned units.
 */
export function readDecimal(text: string, min: number, max: number, shift: number): NumberRead {
  if (text.startsWith('-')) return { message: `negative number '${text}'` };
  const dot = text.indexOf('.');
  let intPart = dot < 0 ? text : text.slice(0, dot);
  let frac = dot < 0 ? '' : text.slice(dot + 1);
  let message: string | undefined;
  let roundUp = false;
  if (frac.length > shift) {
    message = `number '${text}' has too many decimal places`;
    roundUp = frac[shift]! >= '5';
    frac = frac.slice(0, shift);
  }
  intPart = intPart.replace(WHITE, '');
  const digits = intPart + frac.padEnd(shift, '0');
  if (!/^\+?\d+$/.test(digits)) return { message: `invalid number '${text}'` };
  const v = Number(digits.replace('+', '')) + (roundUp ? 1 : 0);
  if (v < min || v > max) {
    const unit = 10 ** shift;
    const f = (n: number) => `${Math.floor(n / unit)}.${String(n % unit).padStart(shift, '0')}`;
    return { message: `number '${text}' outside range [${f(min)}, ${f(max)}]` };
  }
  return { value: v, ...(message ? { message } : {}) };
}
