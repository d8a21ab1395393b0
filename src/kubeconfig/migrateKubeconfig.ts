import { basename } from 'node:path';
import { type Document, isAlias, isMap, isSeq, type YAMLMap } from 'yaml';
import { evaluateWrapperScript } from './evaluateWrapperScript.js';
import { execUser } from './execUser.js';
import { hadDuplicateKeys } from './lastKeyWins.js';
import type { WrapperScript } from './readWrapperScript.js';
import { rewriteWhole } from './snapshotDocument.js';
import {
  type EksTokenIdentity,
  eksTokenExec,
  type StoredExec,
  type Translation,
  translateAwsExec,
} from './translateAwsExec.js';

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

/** Reads the script behind a command that is not aws or aws-iam-authenticator itself. */
export type WrapperReader = (command: string) => Promise<WrapperScript>;

// kubectl 1.24 and later refuse v1alpha1; v1beta1 reads the same ExecCredential.
const EXEC_API = /^client\.authentication\.k8s\.io\/v1alpha1$/;
// Commands whose script is named when it cannot be read; any other unreadable command is not ours.
const AWS_LIKE = /aws|eks|iam-auth/i;

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
    if (isAlias(exec) || (isMap(exec) && exec.has('<<'))) {
      if (/aws|authenticator/.test(JSON.stringify(exec.toJSON(doc))))
        result.skipped.push({ user, reason: 'its exec is a YAML alias or merge; convert it by hand' });
      continue;
    }
    if (!isMap(exec)) continue;
    const stored = readStoredExec(exec, doc);
    if (!stored) continue;
    let env = stored.env;
    let translation = translateAwsExec(stored);
    let wrapper: string | undefined;
    if (translation === undefined) {
      const followed = await followWrapper(stored, readWrapper);
      if (followed === undefined) continue;
      if (typeof followed === 'string') {
        result.skipped.push({ user, reason: `${stored.command}: ${followed}` });
        continue;
      }
      ({ env, translation } = followed);
      wrapper = stored.command;
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
    // A repeated key's earlier lines go too: the entry reads as kubectl reads it.
    if (hadDuplicateKeys(exec)) rewriteWhole(exec);
    const apiVersion = exec.get('apiVersion');
    if (typeof apiVersion !== 'string' || EXEC_API.test(apiVersion))
      exec.set('apiVersion', 'client.authentication.k8s.io/v1beta1');
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

// The wrapper's call for this entry's args: its env (the script's exports win, as they are set
// after kubectl's) and translation, the TXT lookup's name as the cluster id.
async function followWrapper(
  stored: StoredExec,
  readWrapper: WrapperReader,
): Promise<{ env: StoredExec['env']; translation: Translation } | string | undefined> {
  const script = await readWrapper(stored.command);
  if ('reason' in script) return AWS_LIKE.test(basename(stored.command)) ? script.reason : undefined;
  const call = evaluateWrapperScript(script.text, stored.args);
  if (call === undefined || typeof call === 'string') return call;
  const env = [...stored.env.filter((e) => !call.env.some((c) => c.name === e.name)), ...call.env];
  const translation = translateAwsExec({ command: call.command, args: call.args, env });
  if (!call.txt || translation === undefined || typeof translation === 'string') return { env, translation };
  const flag = call.args[call.txt.index - 1] ?? '';
  if (translation.clusterId !== call.txt.name || !CLUSTER_FLAGS.has(flag))
    return `it passes the TXT record of ${call.txt.name} as something other than the cluster id`;
  if (call.txt.fallback) translation.extraArgs.push('--txt-fallback=literal');
  return { env, translation };
}

const CLUSTER_FLAGS = new Set(['-i', '--cluster-id', '--cluster-name']);

function readStoredExec(exec: YAMLMap, doc: Document): StoredExec | undefined {
  const command = exec.get('command');
  const args = exec.get('args');
  if (typeof command !== 'string') return undefined;
  const list = args === undefined || args === null ? [] : isSeq(args) ? args.toJSON() : undefined;
  if (!Array.isArray(list) || !list.every((a) => typeof a === 'string')) return undefined;
  // An aliased env (`env: *profile`) is read through its anchor; its text is kept when unchanged.
  const envNode = exec.get('env');
  const env = readEnv(isAlias(envNode) ? envNode.resolve(doc) : envNode);
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
