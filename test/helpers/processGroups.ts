/** Process groups as /proc shows them (Linux only), for tests of what the daemon leaves behind. */
import { readdirSync, readFileSync } from 'node:fs';

/** Pids of the live (not zombie) processes in process group `pgid`. */
export function groupMembers(pgid: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ")".
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') pids.push(Number(name));
  }
  return pids;
}

/** A shell script for credential_process that records its process group and grandchild, then hangs. */
export function hangingHelper(dir: string, marker = 'pgid'): string {
  return [
    '#!/bin/sh',
    // Field 5 of /proc/<pid>/stat is the process group; "sh" has no spaces in its name.
    `cut -d' ' -f5 /proc/$$/stat > ${dir}/${marker}.tmp && mv ${dir}/${marker}.tmp ${dir}/${marker}`,
    'sleep 60 &',
    'sleep 60',
    '',
  ].join('\n');
}

/** Kills what a test left in a group (cleanup only; assertions use groupMembers). */
export function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {}
}
