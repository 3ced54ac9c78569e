/**
 * ssh_config ProxyCommand, as far as hafleet can honour it: the classic
 * `ssh [options] -W %h:%p bastion` forwards to the target through the bastion, which is what a
 * jump host is, so it becomes one (a channel of the one pooled connection to the bastion). Any
 * other command (nc, a SOCKS helper, a fixed -W destination) would run a process per host
 * with a behaviour we cannot check: it is refused by name rather than dialled around.
 */
export type ProxyCommandReading = { jump: string } | { refused: string };

/** ssh options that take a value (ssh(1)); what is left that is not an option is the destination. */
const WITH_VALUE = new Set(['-B', '-b', '-c', '-D', '-E', '-e', '-F', '-I', '-i', '-J', '-L', '-l', '-m', '-O', '-o', '-p', '-Q', '-R', '-S', '-W', '-w']);

export function readProxyCommand(command: string): ProxyCommandReading {
  const words = command.trim().split(/\s+/);
  const [prog, ...rest] = words;
  const refused = (why: string): ProxyCommandReading => ({ refused: `ProxyCommand "${command}" is not supported: ${why}; only \`ssh -W %h:%p <bastion>\` (a jump host) is` });
  if (!prog || !/(^|\/)ssh$/.test(prog)) return refused('it does not run ssh');
  if (/["'\\$`;|&<>()]/.test(command)) return refused('it uses shell syntax');
  let forward: string | undefined;
  let port: string | undefined;
  let user: string | undefined;
  let dest: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (WITH_VALUE.has(a)) {
      const v = rest[++i];
      if (v === undefined) return refused(`${a} has no value`);
      if (a === '-W') forward = v;
      else if (a === '-p') port = v;
      else if (a === '-l') user = v;
      else if (a === '-J' || a === '-o' || a === '-F') return refused(`its ${a} option would change how the bastion itself is reached`);
    } else if (a.startsWith('-')) {
      if (/^-[46ACafGgKkMNnqsTtVvXxYy]+$/.test(a)) continue;
      return refused(`option ${a} is not understood`);
    } else if (dest === undefined) dest = a;
    else return refused('it runs a remote command');
  }
  if (forward !== '%h:%p') return refused(forward ? `-W ${forward} forwards to a fixed place, not to each host (%h:%p)` : 'it has no -W %h:%p');
  if (!dest) return refused('it names no bastion');
  if (port !== undefined && !/^\d+$/.test(port)) return refused(`port ${port} is not a number`);
  return { jump: `${user && !dest.includes('@') ? `${user}@` : ''}${dest}${port ? `:${port}` : ''}` };
}
