/** One `key = value` of an ansible.cfg, with where it was written. */
export interface IniEntry { value: string; line: number }
export type IniFile = Map<string, Map<string, IniEntry>>;

export interface IniProblem { line: number; message: string }

/**
 * ansible.cfg as Python's configparser reads it for Ansible (ConfigParser with
 * inline_comment_prefixes=(';',)): `[section]`, `key = value` or `key: value`, keys
 * case-insensitive, whole-line comments with # or ;, an inline comment only after ` ;`,
 * indented lines continuing the previous value, the last of a repeated key wins.
 */
export function parseIni(text: string): { file: IniFile; problems: IniProblem[] } {
  const file: IniFile = new Map();
  const problems: IniProblem[] = [];
  let section: Map<string, IniEntry> | undefined;
  let last: IniEntry | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (/^\s*([#;]|$)/.test(raw)) { last = undefined; return; }
    if (/^\s/.test(raw) && last) { last.value += '\n' + stripInline(raw).trim(); return; }
    const head = /^\s*\[([^\]]+)\]/.exec(raw);
    if (head) {
      const name = head[1]!.trim();
      section = file.get(name) ?? new Map();
      file.set(name, section);
      last = undefined;
      return;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw.trim());
    if (!kv) { problems.push({ line, message: `not a "key = value" line: ${JSON.stringify(raw.trim().slice(0, 80))}` }); return; }
    if (!section) { problems.push({ line, message: 'a setting before any [section]' }); return; }
    last = { value: stripInline(kv[2]!).trim(), line };
    section.set(kv[1]!.toLowerCase(), last);
  });
  return { file, problems };
}

function stripInline(v: string): string {
  const m = /\s;/.exec(v);
  return m ? v.slice(0, m.index) : v;
}
