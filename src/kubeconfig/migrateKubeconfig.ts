import { type Document, isMap, isSeq, type YAMLMap } from 'yaml';
import { parseWrapperScript } from './readWrapperScript.js';
import {
  type EksTokenIdentity,
  eksTokenExec,
  type StoredExec,
  translateAwsExec,
} from './translateAwsExec.js';
import { execUser } from './updateKubeconfig.js';

/** One user switched to eks-token: its exec before and after, and the wrapper script it went through. */
export interface UserMigration {
  user: string;
  from: StoredExec;
  to: StoredExec;
  identity: EksTokenIdentity;
  wrapper?: string;
}

/** A user that runs an AWS token command eks-token cannot translate safely, left as it is. */
export interface SkippedUser {
  user: string;
  reason: string;
}

/** What migrateKubeconfig changed and what it left alone on purpose. */
export interface MigrationResult {
  migrated: UserMigration[];
  skipped: SkippedUser[];
}

/** Reads the script behind a command that is not aws or aws-iam-authenticator itself (undefined: none). */
export type WrapperReader = (command: string) => Promise<string | undefined>;

/**
 * Rewrites, in place, every user whose exec runs `aws eks get-token`, `aws-iam-authenticator token`
 * or a wrapper script around one of them into the eks-token call that signs as the same identity.
 * Only that user's exec command, args and env change; every other node keeps its text and comments.
 */
export async function migrateKubeconfig(
  doc: Document,
  readWrapper: WrapperReader,
  /** What the users run from now on (plugin/resolveCommandName.ts decides: a name kubectl finds). */
  command = 'eks-token',
): Promise<MigrationResult> {
  const result: MigrationResult = { migrated: [], skipped: [] };
  const users = (doc.contents as YAMLMap | null)?.get('users', true);
  if (!isSeq(users)) return result;
  for (const item of users.items) {
    if (!isMap(item)) continue;
    const user = String(item.get('name') ?? '');
    const exec = (item.get('user', true) as YAMLMap | undefined)?.get?.('exec', true);
    if (!isMap(exec)) continue;
    const stored = readStoredExec(exec);
    if (!stored) continue;
    let env = stored.env;
    let translation = translateAwsExec(stored);
    let wrapper: string | undefined;
    if (translation === undefined) {
      const call = parseWrapperScript((await readWrapper(stored.command)) ?? '');
      if (!call) continue;
      wrapper = stored.command;
      // The script's exports are set after kubectl's env, so they win.
      env = [...stored.env.filter((e) => !call.env.some((c) => c.name === e.name)), ...call.env];
      translation = translateAwsExec({ command: call.command, args: [...call.args, ...stored.args], env });
    }
    if (translation === undefined) continue;
    if (typeof translation === 'string') {
      result.skipped.push({ user, reason: `${wrapper ? `${wrapper}: ` : ''}${translation}` });
      continue;
    }
    const written = execUser({
      clusterId: translation.clusterId,
      ...(translation.region ? { region: translation.region } : {}),
      ...(translation.roleArn ? { roleArn: translation.roleArn } : {}),
    });
    const to = { command, ...eksTokenExec(translation, env, written.args) };
    exec.set('command', to.command);
    exec.set('args', doc.createNode(to.args));
    // An unchanged env keeps its node (and its text); an emptied one goes, as kubectl omits it.
    if (JSON.stringify(to.env) !== JSON.stringify(stored.env)) {
      if (to.env.length > 0) exec.set('env', doc.createNode(to.env));
      else exec.delete('env');
    }
    result.migrated.push({
      user,
      from: stored,
      to,
      identity: translation,
      ...(wrapper ? { wrapper } : {}),
    });
  }
  return result;
}

function readStoredExec(exec: YAMLMap): StoredExec | undefined {
  const command = exec.get('command');
  const args = exec.get('args');
  if (typeof command !== 'string') return undefined;
  const list = args === undefined || args === null ? [] : isSeq(args) ? args.toJSON() : undefined;
  if (!Array.isArray(list) || !list.every((a) => typeof a === 'string')) return undefined;
  const env = readEnv(exec.get('env'));
  if (!env) return undefined;
  return { command, args: list, env };
}

function readEnv(node: unknown): StoredExec['env'] | undefined {
  if (node === undefined || node === null) return [];
  if (!isSeq(node)) return undefined;
  const env: StoredExec['env'] = [];
  for (const entry of node.items) {
    if (!isMap(entry)) return undefined;
    const name = entry.get('name');
    const value = entry.get('value');
    if (typeof name !== 'string') return undefined;
    env.push({ name, value: value === null || value === undefined ? '' : String(value) });
  }
  return env;
}
