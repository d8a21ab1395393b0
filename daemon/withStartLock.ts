import { readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { EksTokenError } from '../src/shared/EksTokenError.js';

/**
 * Serialises starts on one socket with an O_EXCL lock file, so two starts cannot both find the same
 * stale socket and the slower one delete the faster one's live socket. A lock left by a dead process
 * (or older than 10 s) is taken over.
 */
export async function withStartLock<T>(lockPath: string, body: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      writeFileSync(lockPath, String(process.pid), { flag: 'wx', mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw lockError(lockPath, error);
    }
    if (lockIsStale(lockPath)) {
      try {
        unlinkSync(lockPath);
      } catch {}
    } else if (Date.now() > deadline) {
      throw lockError(lockPath, undefined);
    } else {
      await sleep(20);
    }
  }
  try {
    return await body();
  } finally {
    try {
      if (readFileSync(lockPath, 'utf8') === String(process.pid)) unlinkSync(lockPath);
    } catch {}
  }
}

function lockIsStale(lockPath: string): boolean {
  try {
    const text = readFileSync(lockPath, 'utf8');
    const pid = Number(text);
    if (Date.now() - statSync(lockPath).mtimeMs > 10_000) return true;
    // Empty: its owner has created it and not yet written its pid.
    if (text === '') return false;
    if (!Number.isInteger(pid) || pid <= 0) return true;
    process.kill(pid, 0);
    return false;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOENT: released meanwhile (retry at once); ESRCH: its process is gone; EPERM: alive, not ours.
    return code === 'ESRCH' || code === 'ENOENT';
  }
}

function lockError(lockPath: string, cause: unknown): EksTokenError {
  return new EksTokenError(
    'E_START_LOCK',
    `cannot take the daemon start lock ${lockPath}`,
    'remove the lock file',
    {
      cause,
    },
  );
}
