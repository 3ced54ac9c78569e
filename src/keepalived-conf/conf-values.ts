/** Typed readers for keepalived.conf statement arguments: each reports a Diagnostic, never throws. */
import { error, warning, type Diagnostic } from '../diagnostics/index.js';
import { canonicalIp, familyOf } from '../vrrp/packet.js';
import type { Stmt } from './conf-tree.js';
import type { NotifyScript, VipConf } from './config-types.js';

export class Reader {
  readonly diagnostics: Diagnostic[] = [];
  readonly notes: Diagnostic[] = [];
  /**
   * Errors keepalived 2.2.7 reports (so `keepalived -t` exits 5) and then runs through, with a
   * default or the value ignored: `agent -t` fails on them too, the agent runs as keepalived does.
   */
  readonly runsAnyway = new Set<Diagnostic>();

  /** keepalived's "config error, but it still runs": its words, at the line, with a hint for the trap. */
  kaError(s: Pick<Stmt, 'where'>, code: string, message: string, hint?: string): void {
    const d = error(code, message, s.where, hint);
    this.diagnostics.push(d);
    this.runsAnyway.add(d);
  }

  /** True when some error is one keepalived would not run through. */
  fatal(): boolean {
    return this.diagnostics.some((d) => d.severity === 'error' && !this.runsAnyway.has(d));
  }

  err(s: Stmt, message: string, hint?: string): void {
    this.diagnostics.push(error('conf-value', `${s.keyword}: ${message}`, s.where, hint));
  }

  /** An error about a whole block (no keyword prefix). */
  fail(s: Stmt, code: string, message: string, hint?: string): void {
    this.diagnostics.push(error(code, message, s.where, hint));
  }

  warn(s: Pick<Stmt, 'where'>, code: string, message: string, hint?: string): void {
    this.diagnostics.push(warning(code, message, s.where, hint));
  }

  note(s: Pick<Stmt, 'where'>, message: string): void {
    this.notes.push(warning('conf-note', message, s.where));
  }

  /** keepalived's "Unknown keyword": a config error (keepalived -t exits 5) it runs through, without the line. */
  unknown(s: Stmt, block: string): void {
    this.kaError(s, 'conf-unknown-keyword', `Unknown keyword '${s.keyword}' in ${block}, ignored`, 'check the spelling and the block against keepalived.conf(5)');
  }

  /** A number within [min, max]; `undefined` after reporting. */
  num(s: Stmt, min: number, max: number, opts: { integer?: boolean } = {}): number | undefined {
    const a = s.args[0]?.text;
    if (a === undefined) {
      this.err(s, 'needs a value');
      return undefined;
    }
    const n = Number(a);
    if (!/^-?\d+(\.\d+)?$/.test(a) || (opts.integer && !Number.isInteger(n))) {
      this.err(s, `'${a}' is not ${opts.integer ? 'a whole number' : 'a number'}`);
      return undefined;
    }
    if (n < min || n > max) {
      this.err(s, `${a} is outside ${min}–${max}`);
      return undefined;
    }
    return n;
  }

  word(s: Stmt): string | undefined {
    const a = s.args[0]?.text;
    if (a === undefined) this.err(s, 'needs a value');
    return a;
  }

  /** The rest of the line as one command (keepalived takes `script` / `notify` this way). */
  rest(s: Stmt): string | undefined {
    if (s.args.length === 0) {
      this.err(s, 'needs a command');
      return undefined;
    }
    return s.args.map((t) => t.text).join(' ');
  }

  /**
   * `notify* SCRIPT [USER [GROUP]]` as keepalived 2.2 reads it (lib/notify.c notify_script_init):
   * only the first word is the command — quote it to give arguments — and the second and third
   * are the user and group. `notify /bin/x arg` therefore runs /bin/x as user `arg`.
   */
  notify(s: Stmt): NotifyScript | undefined {
    const [cmd, user, group, ...extra] = s.args;
    if (!cmd) {
      this.err(s, 'needs a command');
      return undefined;
    }
    if (extra.length > 0) this.warn(s, 'conf-notify-extra', `${s.keyword}: '${extra.map((t) => t.text).join(' ')}' after the user and group is ignored (as keepalived does)`, 'quote the command with its arguments: notify "/path/script arg" USER');
    if (user && !cmd.quoted && !user.quoted) {
      // The classic mistake keepalived silently takes: the argument becomes the user.
      this.note(s, `${s.keyword}: '${user.text}' is the user the script runs as, not an argument (keepalived reads it so); quote "${cmd.text} ${user.text}" to pass an argument`);
    }
    return { cmd: cmd.text, ...(user ? { user: user.text } : {}), ...(group ? { group: group.text } : {}), where: s.where };
  }

  /** An IPv4 or IPv6 address (no zone), in canonical form. */
  ip(s: Stmt, text: string): string | undefined {
    const ip = canonicalIp(text);
    if (!ip) {
      this.err(s, `'${text}' is not an IP address`, text.includes('%') ? 'leave out the %zone: the instance\'s interface is used' : undefined);
      return undefined;
    }
    return ip;
  }

  /** `ADDR[/PREFIX] [dev IF] [label L] [brd B] [scope S] …` (keepalived's virtual_ipaddress line). */
  vip(s: Stmt): VipConf | undefined {
    const words = [s.keyword, ...s.args.map((t) => t.text)];
    const m = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(words[0]!);
    if (!m) {
      this.err(s, `'${words[0]}' is not ADDRESS[/PREFIX]`);
      return undefined;
    }
    if (/-\d+$/.test(m[1]!)) {
      this.err(s, `address ranges ('${words[0]}') are not supported by the agent`, 'list each address on its own line');
      return undefined;
    }
    const address = this.ip(s, m[1]!);
    const max = familyOf(m[1]!) === 6 ? 128 : 32;
    // keepalived's default: a host address.
    const prefix = m[2] === undefined ? max : Number(m[2]);
    // keepalived (vrrp_ipaddress.c): "Invalid address prefix len 33 for address … - using 32".
    if (prefix > max) this.kaError(s, 'conf-vip', `Invalid address prefix len ${prefix} for address ${words[0]} - using ${max}`);
    if (!address) return undefined;
    const vip: VipConf = { address, prefix: Math.min(prefix, max), where: s.where };
    for (let i = 1; i < words.length; i++) {
      const k = words[i]!;
      const v = words[i + 1];
      if (k === 'dev' || k === 'label') {
        if (v === undefined) {
          this.err(s, `'${k}' needs a value`);
          break;
        }
        if (k === 'label' && familyOf(address) === 6) this.note(s, `${address}: labels are IPv4 only; ignored`);
        else vip[k] = v;
        i++;
      } else if (k === 'brd' || k === 'broadcast' || k === 'scope') {
        this.note(s, `${address}: '${k} ${v ?? ''}' is left to the kernel's default by the agent`);
        i++;
      } else if (k === 'no_track' || k === 'preferred_lft') {
        this.note(s, `${address}: '${k}' ignored by the agent`);
        if (k === 'preferred_lft') i++;
      } else {
        this.warn(s, 'conf-unknown-keyword', `unknown VIP option '${k}' after ${address}, ignored`, 'known: dev, label, brd, scope');
      }
    }
    return vip;
  }
}
