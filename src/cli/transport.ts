import type { Command } from 'commander';
import { createSshTransport, type Transport } from '../transport/index.js';
import { info } from './output.js';
import { refSource } from './args.js';
import { processContext, type CommandContext } from './context.js';

/** The connection flags plan, deploy, verify and drill share. */
export interface ConnectionFlags {
  acceptNewHostKeys?: boolean;
  askBecomePass?: boolean;
}

export function connectionOptions(cmd: Command): Command {
  return cmd
    .option('--accept-new-host-keys', 'record unknown host keys (like ssh accept-new); changed keys are always refused')
    .option('-K, --ask-become-pass', 'ask for the sudo password on the terminal when a host needs one (as ansible -K); else HAFLEET_BECOME_PASS');
}

/**
 * The SSH transport a command uses: host keys recorded aloud, the become password asked once on
 * demand. The environment's part is read here, at the edge: $SSH_AUTH_SOCK (the agent) and
 * $HAFLEET_BECOME_PASS (sudo's password without -K).
 */
export function cliTransport(flags: ConnectionFlags, o: { connectTimeoutMs?: number; askBecomePass?: boolean } = {}, ctx: CommandContext = processContext()): Transport {
  const refs = refSource(ctx);
  const agent = ctx.env.SSH_AUTH_SOCK;
  const becomePassword = ctx.env.HAFLEET_BECOME_PASS;
  return createSshTransport({
    sshConfig: refs.sshConfig,
    localUser: refs.localUser,
    agentSocket: agent ? agent : null,
    ...(becomePassword ? { becomePassword } : {}),
    // ansible.cfg's timeout: Ansible's connection timeout, seconds.
    ...(o.connectTimeoutMs ? { connectTimeoutMs: o.connectTimeoutMs } : {}),
    acceptNewHostKeys: Boolean(flags.acceptNewHostKeys),
    onHostKeyRecorded: (host, file, fp) => info(`${host}: recorded new host key ${fp} in ${file}`),
    // -K, or ansible.cfg's become_ask_pass = True (Ansible's -K default).
    ...((flags.askBecomePass || o.askBecomePass) && ctx.stdin.isTTY
      ? { promptBecomePassword: (host: string) => readSecret(ctx.stdin, ctx.stderr, `BECOME password (sudo on ${host}): `) }
      : {}),
  });
}

/** What readSecret needs of a terminal: raw mode and key presses. */
export interface SecretInput {
  setRawMode?(on: boolean): unknown;
  on(event: 'data', fn: (chunk: Buffer | string) => void): unknown;
  removeListener(event: 'data', fn: (chunk: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

/**
 * One line from a terminal without echo. Enter ends it; Ctrl-C, or Ctrl-D on an empty line,
 * gives undefined (no password: the host then fails as `auth` with its hint).
 */
export function readSecret(input: SecretInput, output: NodeJS.WritableStream, prompt: string): Promise<string | undefined> {
  // Echo off before the prompt shows: whatever is typed once it is visible must not be echoed.
  input.setRawMode?.(true);
  input.resume();
  output.write(prompt);
  return new Promise((resolve) => {
    let typed = '';
    const done = (value: string | undefined) => {
      input.removeListener('data', onData);
      input.setRawMode?.(false);
      input.pause();
      output.write('\n');
      resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done(typed);
        if (ch === '\u0003' || (ch === '\u0004' && typed === '')) return done(undefined);
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else if (ch >= ' ') typed += ch;
      }
    };
    input.on('data', onData);
  });
}
