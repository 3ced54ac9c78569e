import { q, dirname, writeFileLines, MARK } from './shell.js';

/** One file to check, its new content already on the host at `src`. */
export interface ValidateItem {
  path: string;
  src: string;
  content: string;
  validate: string;
}

/** Where a changed file's new content sits on the host during a check (plan: temp dir; deploy: beside). */
export type Sources = ReadonlyMap<string, string>;

const NGINX_ROOT = '/etc/nginx';

function isTreeCheck(validate: string): boolean {
  return validate.trim() === 'nginx-tree' || validate.includes('{nginx_conf}');
}

/**
 * The file's content with every other changed file's path pointing at its new content instead:
 * `keepalived -t` refuses a config whose track/notify scripts do not exist yet.
 */
export function rewriteReferences(content: string, self: string, sources: Sources): string {
  let out = content;
  const others = [...sources].filter(([p]) => p !== self).sort(([a], [b]) => b.length - a.length);
  for (const [path, src] of others) out = out.split(path).join(src);
  return out;
}

/**
 * Bash lines that check every item inside `vdir` (a fresh directory outside any include dir)
 * and print, per file, `@@hafleet valid <path>` or `@@hafleet invalid <path> <base64 message>`;
 * they set `invalid=1` when one fails. Deleted nginx files are left out of the tree copy.
 */
export function validateLines(items: readonly ValidateItem[], sources: Sources, deleted: readonly string[], vdir: string): string[] {
  const out: string[] = ['invalid=0'];
  const tree = items.filter((i) => isTreeCheck(i.validate));
  if (tree.length > 0) {
    const copy = `${vdir}/tree${NGINX_ROOT}`;
    out.push(`mkdir -p -- ${q(vdir + '/tree/etc')} && cp -a ${q(NGINX_ROOT)} ${q(copy)}`);
    for (const [path, src] of sources) {
      if (!path.startsWith(NGINX_ROOT + '/')) continue;
      out.push(`mkdir -p -- ${q(dirname(vdir + '/tree' + path))} && cp -- ${q(src)} ${q(vdir + '/tree' + path)}`);
    }
    for (const path of deleted) if (path.startsWith(NGINX_ROOT + '/')) out.push(`rm -f -- ${q(vdir + '/tree' + path)}`);
    // Absolute references inside the copy must point at the copy, or nginx reads the live tree.
    out.push(`grep -rlZ ${q(NGINX_ROOT + '/')} ${q(copy)} | xargs -0 -r sed -i ${q(`s#${NGINX_ROOT}/#${copy}/#g`)}`);
    const conf = `${copy}/nginx.conf`;
    const cmd = tree[0]!.validate.trim() === 'nginx-tree' ? `nginx -t -c ${q(conf)}` : tree[0]!.validate.replaceAll('{nginx_conf}', q(conf));
    out.push(...runCheck(cmd, tree.map((i) => i.path), vdir, 'tree'));
  }
  items.forEach((item, n) => {
    if (isTreeCheck(item.validate)) return;
    const copy = `${vdir}/check${item.path}`;
    out.push(`mkdir -p -- ${q(dirname(copy))}`, ...writeFileLines(copy, rewriteReferences(item.content, item.path, sources)));
    out.push(...runCheck(item.validate.replaceAll('{path}', q(copy)), [item.path], vdir, String(n)));
  });
  return out;
}

/**
 * Create the check directory: fresh (no -p: a name someone else made first is never reused) and
 * 0700, since the copies inside hold secrets (auth_pass); the checkers run as root. `0711` (search,
 * no listing) only where keepalived -t must reach a new track script as its script_user (see
 * validate-remote.ts); the secret copies then still sit in 0700 subdirectories.
 */
export function makeValidateDirLines(vdir: string, mode: '0700' | '0711' = '0700'): string[] {
  return [`mkdir -m ${mode} -- ${q(vdir)} || { echo "${MARK} error cannot create "${q(vdir)}; exit 20; }`];
}

function runCheck(cmd: string, paths: readonly string[], vdir: string, tag: string): string[] {
  const log = q(`${vdir}/out.${tag}`);
  const lines = [`if ( ${cmd} ) > ${log} 2>&1; then`];
  for (const p of paths) lines.push(`  echo "${MARK} valid "${q(p)}`);
  lines.push('else', '  invalid=1');
  for (const p of paths) lines.push(`  echo "${MARK} invalid "${q(p)}" $(base64 -w0 < ${log})"`);
  lines.push('fi');
  return lines;
}
