/** Second local users for cross-user tests: created with useradd when the tests run as root. */
import { execFileSync } from 'node:child_process';

/** A local user a test runs processes as. */
export interface TestUser {
  name: string;
  uid: number;
  gid: number;
}

/** The user `name` (created when missing), or why there is none (the reason to skip the test). */
export function testUser(name: string): TestUser | string {
  if (process.platform !== 'linux') return 'two-user tests need Linux';
  if (process.getuid?.() !== 0) return 'two-user tests need root to create users with useradd';
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', name], { encoding: 'utf8' })),
    gid: Number(execFileSync('id', ['-g', name], { encoding: 'utf8' })),
  });
  try {
    return { name, ...ids() };
  } catch {}
  try {
    execFileSync('useradd', ['--no-create-home', '--shell', '/bin/sh', name], { stdio: 'ignore' });
    return { name, ...ids() };
  } catch (error) {
    return `cannot create user ${name} with useradd (${(error as Error).message.split('\n')[0]})`;
  }
}
