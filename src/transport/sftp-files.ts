import type { SFTPWrapper } from 'ssh2';

// SFTP status code for "no such file" (draft-ietf-secsh-filexfer-02 §7).
const SFTP_NO_SUCH_FILE = 2;
const CHUNK = 32 * 1024;

function call<T>(fn: (cb: (err: Error | null | undefined, v: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v))));
}

/**
 * open/write/fsetstat/close. The mode is set on the handle after writing because open's mode
 * applies only to a new file and passes through the server's umask.
 */
export async function sftpPut(sftp: SFTPWrapper, path: string, content: Buffer, mode: number): Promise<void> {
  const handle = await call<Buffer>((cb) => sftp.open(path, 'w', { mode }, cb));
  try {
    for (let off = 0; off < content.length; off += CHUNK) {
      const len = Math.min(CHUNK, content.length - off);
      await call<void>((cb) => sftp.write(handle, content, off, len, off, (err) => cb(err, undefined)));
    }
    await call<void>((cb) => sftp.fsetstat(handle, { mode }, (err) => cb(err, undefined)));
  } finally {
    await call<void>((cb) => sftp.close(handle, (err) => cb(err, undefined))).catch(() => undefined);
  }
}

/** The file's bytes, or null when it does not exist. */
export async function sftpGet(sftp: SFTPWrapper, path: string): Promise<Buffer | null> {
  try {
    return await call<Buffer>((cb) => sftp.readFile(path, cb));
  } catch (err) {
    if ((err as { code?: number }).code === SFTP_NO_SUCH_FILE) return null;
    throw err;
  }
}

export async function sftpUnlink(sftp: SFTPWrapper, path: string): Promise<void> {
  await call<void>((cb) => sftp.unlink(path, (err) => cb(err, undefined))).catch(() => undefined);
}
