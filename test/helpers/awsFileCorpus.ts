/**
 * Messy AWS config and credentials files as users have them (hand-edited, or written by aws configure,
 * saml2aws, gimme-aws-creds, aws-adfs), each with what the AWS CLI does with it. `{dir}` in a file or a
 * variable is the case's directory (also HOME). Keys are fake; the loopback STS knows every one of them.
 */

/** What a case's token must carry when it signs: key id or assumed role, session token, region. */
export interface Expected {
  key?: string;
  role?: string;
  /** The session token; undefined when there must be none. */
  token?: string;
  region: string;
}

/** One pair of files, the environment and arguments, and what aws and eks-token do with them. */
export interface CorpusCase {
  name: string;
  /** The file's text, `dir` for a directory in its place, absent for no file. */
  config?: string;
  credentials?: string;
  /** AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE as set ({dir}/config by default); null: unset (~/.aws/...). */
  configVar?: string | null;
  credentialsVar?: string | null;
  /** How the files' text is written (latin1 for a file with a byte that is not UTF-8). */
  encoding?: 'latin1';
  /** More files, by path under {dir}, with their text (a credential_process helper is made executable). */
  extra?: Record<string, string>;
  env?: Record<string, string>;
  args?: string[];
  /** Whether the real aws eks get-token signs. */
  aws: 'signs' | 'refuses';
  /** The token's values where aws signs, or where eks-token signs by its documented choice. */
  expect?: Expected;
  /** Where aws refuses: the code eks-token fails with, or `signs` for a documented friendlier choice. */
  ours?: string;
}

export const ACCOUNT = '111122223333';
export const ROLES = ['Deploy', 'Admin', 'Chained', 'WithExternalId', 'WebRole'] as const;
export const EXTERNAL_ID = 'corpus-external-id';
export const WEB_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjb3JwdXMifQ.c2ln';

/** A fake key pair; the key id names its tag. */
export function key(tag: string): { id: string; secret: string } {
  return {
    id: `AKIDCORPUS${tag.toUpperCase()}`,
    secret: `${tag}SecretEXAMPLE/K7MDENG+bPxRfiCY${tag.length}`,
  };
}

/** Every key pair a case uses (the STS stand-in registers them). */
export const KEY_TAGS = ['a', 'b', 'c', 'cfg', 'cred', 'base', 'env', 'proc', 'one', 'two', 'web'];

const A = key('a');
const B = key('b');
const CFG = key('cfg');
const CRED = key('cred');
const BASE = key('base');
const PROC = key('proc');
const arn = (role: string) => `arn:aws:iam::${ACCOUNT}:role/${role}`;
const pair = (k: { id: string; secret: string }, sep = ' = ') =>
  `aws_access_key_id${sep}${k.id}\naws_secret_access_key${sep}${k.secret}\n`;
const defaultKeys = (k = A) => `[default]\n${pair(k)}`;
const region = (r: string) => `[default]\nregion = ${r}\n`;
const signs = (expect: Expected): Pick<CorpusCase, 'aws' | 'expect'> => ({ aws: 'signs', expect });
const refuses = (ours: string, expect?: Expected): Pick<CorpusCase, 'aws' | 'ours' | 'expect'> => ({
  aws: 'refuses',
  ours,
  ...(expect ? { expect } : {}),
});
const SESSION = 'FwoGZXIvYXdzEBYaDH+corpus/session/token==';
const OLD_SESSION = 'FQoDYXdzEOLD+security/token/saml2aws==';
const HELPER =
  '#!/bin/sh\necho \'{"Version": 1, "AccessKeyId": "AKIDCORPUSPROC", "SecretAccessKey": "procSecretEXAMPLE/K7MDENG+bPxRfiCY4"}\'\n';
const ROLE_BASE = `[profile base]\nregion = us-east-2\n`;

/** The corpus. */
export const CORPUS: CorpusCase[] = [
  // Delimiters, case and whitespace.
  {
    name: 'plain aws configure output',
    credentials: defaultKeys(),
    config: region('eu-west-1'),
    ...signs({ key: A.id, region: 'eu-west-1' }),
  },
  {
    name: 'keys with ":" delimiters',
    credentials: `[default]\n${pair(A, ': ')}`,
    config: region('eu-west-1'),
    ...signs({ key: A.id, region: 'eu-west-1' }),
  },
  {
    name: 'region with ":"',
    credentials: defaultKeys(),
    config: '[default]\nregion: eu-west-2\n',
    ...signs({ key: A.id, region: 'eu-west-2' }),
  },
  {
    name: 'upper-case key names in credentials beat the config file',
    credentials: `[default]\nAWS_ACCESS_KEY_ID = ${A.id}\nAWS_SECRET_ACCESS_KEY = ${A.secret}\n`,
    config: `[default]\nregion = eu-west-1\n${pair(CFG)}`,
    ...signs({ key: A.id, region: 'eu-west-1' }),
  },
  {
    name: 'Region with a capital',
    credentials: defaultKeys(),
    config: '[default]\nRegion = eu-north-1\n',
    ...signs({ key: A.id, region: 'eu-north-1' }),
  },
  {
    name: 'no spaces around "="',
    credentials: `[default]\n${pair(A, '=')}`,
    config: '[default]\nregion=ap-south-1\n',
    ...signs({ key: A.id, region: 'ap-south-1' }),
  },
  {
    name: 'tabs around "="',
    credentials: `[default]\n${pair(A, '\t=\t')}`,
    config: '[default]\nregion\t=\tap-east-1\n',
    ...signs({ key: A.id, region: 'ap-east-1' }),
  },
  {
    name: 'every option indented alike',
    credentials: `[default]\n  aws_access_key_id = ${A.id}\n  aws_secret_access_key = ${A.secret}\n`,
    config: '[default]\n    region = eu-west-3\n',
    ...signs({ key: A.id, region: 'eu-west-3' }),
  },
  {
    name: 'trailing spaces and tabs',
    credentials: `[default]  \naws_access_key_id = ${A.id}   \naws_secret_access_key = ${A.secret}\t\n`,
    config: '[default]\nregion = eu-south-1  \n',
    ...signs({ key: A.id, region: 'eu-south-1' }),
  },
  {
    name: 'space before ":"',
    credentials: `[default]\naws_access_key_id :${A.id}\naws_secret_access_key :${A.secret}\n`,
    config: region('us-west-1'),
    ...signs({ key: A.id, region: 'us-west-1' }),
  },
  {
    name: '":" and "=" inside values',
    credentials: `[default]\n${pair(A)}aws_session_token: ${SESSION}\n`,
    config: region('us-west-2'),
    ...signs({ key: A.id, token: SESSION, region: 'us-west-2' }),
  },
  {
    name: 'mixed-case option names everywhere',
    credentials: `[default]\nAws_Access_Key_Id = ${A.id}\naws_SECRET_access_KEY = ${A.secret}\n`,
    config: '[default]\nREGION = ca-central-1\n',
    ...signs({ key: A.id, region: 'ca-central-1' }),
  },
  // Comments.
  {
    name: '# and ; comment lines',
    credentials: `# written by hand\n; old style\n[default]\n# key\n${pair(A)}; end\n`,
    config: `# config\n[default]\n; region below\nregion = eu-west-1\n`,
    ...signs({ key: A.id, region: 'eu-west-1' }),
  },
  {
    name: 'indented comment lines',
    credentials: `[default]\n${pair(A)}   # indented\n\t; tab\n`,
    config: `[default]\n  # note\nregion = eu-central-1\n`,
    ...signs({ key: A.id, region: 'eu-central-1' }),
  },
  {
    name: '"#" inside a value without a space',
    credentials: `[default]\naws_access_key_id = ${A.id}\naws_secret_access_key = ab#cd;ef\n`,
    config: region('eu-west-1'),
    ...signs({ key: A.id, region: 'eu-west-1' }),
  },
  {
    name: 'an inline "; comment" after the region (aws: not a region)',
    credentials: defaultKeys(),
    config: '[default]\nregion = eu-west-1 ; production\n',
    ...refuses('signs', { key: A.id, region: 'eu-west-1' }),
  },
  {
    name: 'an inline "# comment" after the region',
    credentials: defaultKeys(),
    config: '[default]\nregion = us-east-2 # ohio\n',
    ...refuses('signs', { key: A.id, region: 'us-east-2' }),
  },
  {
    name: 'a comment on a section line',
    credentials: `[default] ; main account\n${pair(A)}`,
    config: '[default] # main\nregion = sa-east-1\n',
    ...signs({ key: A.id, region: 'sa-east-1' }),
  },
  {
    name: 'comments only in the credentials file, keys in config',
    credentials: '# nothing here\n; really\n',
    config: `[default]\nregion = eu-west-1\n${pair(CFG)}`,
    ...signs({ key: CFG.id, region: 'eu-west-1' }),
  },
  // Section names.
  {
    name: '[profile  prod] with two spaces',
    credentials: `[prod]\n${pair(A)}`,
    config: '[profile  prod]\nregion = eu-west-2\n',
    env: { AWS_PROFILE: 'prod' },
    ...signs({ key: A.id, region: 'eu-west-2' }),
  },
  {
    name: '[profile prod ] with a trailing space',
    credentials: `[prod]\n${pair(A)}`,
    config: '[profile prod ]\nregion = eu-west-3\n',
    env: { AWS_PROFILE: 'prod' },
    ...signs({ key: A.id, region: 'eu-west-3' }),
  },
  {
    name: '[profile\tprod] with a tab',
    credentials: `[prod]\n${pair(A)}`,
    config: '[profile\tprod]\nregion = us-west-1\n',
    args: ['--profile', 'prod'],
    ...signs({ key: A.id, region: 'us-west-1' }),
  },
  {
    name: '[profile "prod"] quoted',
    credentials: `[prod]\n${pair(A)}`,
    config: '[profile "prod"]\nregion = ap-northeast-1\n',
    args: ['--profile', 'prod'],
    ...signs({ key: A.id, region: 'ap-northeast-1' }),
  },
  {
    name: '[ profile prod] is no profile',
    credentials: `[other]\n${pair(A)}`,
    config: '[ profile prod]\nregion = eu-west-1\n',
    args: ['--profile', 'prod', '--region', 'eu-west-1'],
    ...refuses('E_PROFILE_NOT_FOUND'),
  },
  {
    name: '[profile default] then [default]: the later wins',
    credentials: defaultKeys(),
    config: '[profile default]\nregion = eu-west-1\n[default]\nregion = eu-west-2\n',
    ...signs({ key: A.id, region: 'eu-west-2' }),
  },
  {
    name: '[default] then [profile default]: the later wins',
    credentials: defaultKeys(),
    config: '[default]\nregion = eu-west-1\n[profile default]\nregion = eu-west-2\n',
    ...signs({ key: A.id, region: 'eu-west-2' }),
  },
  {
    name: 'keys in [profile default] of the config file',
    config: `[profile default]\nregion = ap-southeast-1\n${pair(CFG)}`,
    ...signs({ key: CFG.id, region: 'ap-southeast-1' }),
  },
  {
    name: '[Default] is not default',
    credentials: `[Default]\n${pair(A)}`,
    config: region('eu-west-1'),
    ...refuses('E_NO_CREDENTIALS'),
  },
  {
    name: '[profile dev] in the credentials file is named "profile dev"',
    credentials: `[profile dev]\n${pair(A)}`,
    config: '[profile dev]\nregion = eu-west-1\n',
    args: ['--profile', 'profile dev', '--region', 'us-east-2'],
    ...signs({ key: A.id, region: 'us-east-2' }),
  },
  {
    name: '[DEFAULT] gives every section its secret',
    credentials: `[DEFAULT]\naws_secret_access_key = ${A.secret}\n[default]\naws_access_key_id = ${A.id}\n`,
    config: region('eu-west-1'),
    ...signs({ key: A.id, region: 'eu-west-1' }),
  },
  {
    name: '[DEFAULT] region in the config file',
    credentials: defaultKeys(),
    config: '[DEFAULT]\nregion = me-south-1\n[default]\noutput = json\n',
    ...signs({ key: A.id, region: 'me-south-1' }),
  },
  {
    name: '[profile a] and [profile  a]: the later section wins whole',
    credentials: `[a]\n${pair(A)}`,
    config: '[profile a]\nregion = eu-west-1\noutput = json\n[profile  a]\nregion = eu-west-2\n',
    env: { AWS_PROFILE: 'a' },
    ...signs({ key: A.id, region: 'eu-west-2' }),
  },
  {
    name: 'profile names with dots and @',
    credentials: `[team.dev@corp]\n${pair(A)}`,
    config: '[profile team.dev@corp]\nregion = eu-west-1\n',
    env: { AWS_PROFILE: 'team.dev@corp' },
    ...signs({ key: A.id, region: 'eu-west-1' }),
  },
  // Which file, which section.
  {
    name: 'region in both files: the credentials file',
    credentials: `[default]\n${pair(A)}region = us-west-2\n`,
    config: region('eu-west-1'),
    ...signs({ key: A.id, region: 'us-west-2' }),
  },
  {
    name: 'keys in both files: the credentials file',
    credentials: defaultKeys(CRED),
    config: `[default]\nregion = eu-west-1\n${pair(CFG)}`,
    ...signs({ key: CRED.id, region: 'eu-west-1' }),
  },
  {
    name: 'key id in credentials, secret only in config',
    credentials: `[default]\naws_access_key_id = ${CRED.id}\n`,
    config: `[default]\nregion = eu-west-1\naws_secret_access_key = ${CFG.secret}\n`,
    ...refuses('E_INCOMPLETE_PROFILE'),
  },
  {
    name: 'secret in credentials, key id only in config',
    credentials: `[default]\naws_secret_access_key = ${CRED.secret}\n`,
    config: `[default]\nregion = eu-west-1\naws_access_key_id = ${CFG.id}\n`,
    ...refuses('E_INCOMPLETE_PROFILE'),
  },
  {
    name: 'aws_security_token only (older SAML tools)',
    credentials: `[default]\n${pair(A)}aws_security_token = ${OLD_SESSION}\n`,
    config: region('eu-west-1'),
    ...signs({ key: A.id, token: OLD_SESSION, region: 'eu-west-1' }),
  },
  {
    name: 'aws_security_token before aws_session_token',
    credentials: `[default]\n${pair(A)}aws_session_token = ${SESSION}\naws_security_token = ${OLD_SESSION}\n`,
    config: region('eu-west-1'),
    ...signs({ key: A.id, token: OLD_SESSION, region: 'eu-west-1' }),
  },
  {
    name: 'session token in the config file does not join credentials-file keys',
    credentials: defaultKeys(CRED),
    config: `[default]\nregion = eu-west-1\naws_session_token = ${SESSION}\n`,
    ...signs({ key: CRED.id, region: 'eu-west-1' }),
  },
  {
    name: 'keys and token in the config file only',
    config: `[default]\nregion = eu-west-1\n${pair(CFG)}aws_session_token = ${SESSION}\n`,
    ...signs({ key: CFG.id, token: SESSION, region: 'eu-west-1' }),
  },
  {
    name: 'named profile with keys in the config file',
    config: `[profile dev]\nregion = us-west-2\n${pair(CFG)}`,
    credentials: defaultKeys(),
    env: { AWS_PROFILE: 'dev' },
    ...signs({ key: CFG.id, region: 'us-west-2' }),
  },
  {
    name: 'AWS_DEFAULT_PROFILE over AWS_PROFILE',
    credentials: `[one]\n${pair(key('one'))}[two]\n${pair(key('two'))}`,
    config: '[profile one]\nregion = eu-west-1\n[profile two]\nregion = eu-west-2\n',
    env: { AWS_PROFILE: 'one', AWS_DEFAULT_PROFILE: 'two' },
    ...signs({ key: key('two').id, region: 'eu-west-2' }),
  },
  // Duplicates, which aws refuses.
  {
    name: 'two [default] sections in credentials',
    credentials: `[default]\naws_access_key_id = ${A.id}\n[default]\naws_secret_access_key = ${B.secret}\n`,
    config: region('eu-west-1'),
    ...refuses('E_AWS_FILE'),
  },
  {
    name: 'a key twice in one section',
    credentials: `[default]\n${pair(A)}aws_access_key_id = ${B.id}\n`,
    config: region('eu-west-1'),
    ...refuses('E_AWS_FILE'),
  },
  {
    name: 'a key twice, in two cases',
    credentials: `[default]\n${pair(A)}AWS_ACCESS_KEY_ID = ${B.id}\n`,
    config: region('eu-west-1'),
    ...refuses('E_AWS_FILE'),
  },
  {
    name: 'a profile twice in config',
    credentials: defaultKeys(),
    config: '[default]\nregion = eu-west-1\n[default]\noutput = json\n',
    ...refuses('E_AWS_FILE'),
  },
  {
    name: 'region twice in config',
    credentials: defaultKeys(),
    config: '[default]\nregion = eu-west-1\nregion = eu-west-2\n',
    ...refuses('E_AWS_FILE'),
  },
  {
    name: 'two [DEFAULT] sections are allowed',
    credentials: `[DEFAULT]\noutput = json\n[default]\n${pair(A)}[DEFAULT]\ncli_pager =\n`,
    config: region('eu-west-1'),
    ...signs({ key: A.id, region: 'eu-west-1' }),
  },
  // Line endings and encodings.
  {
    name: 'CRLF line endings',
    credentials: `[default]\r\naws_access_key_id = ${A.id}\r\naws_secret_access_key = ${A.secret}\r\n`,
    config: '[default]\r\nregion = eu-west-1\r\n',
    ...signs({ key: A.id, region: 'eu-west-1' }),
  },
  {
    name: 'CR-only line endings (classic Mac)',
    credentials: `[default]\raws_access_key_id = ${A.id}\raws_secret_access_key = ${A.secret}\r`,
    config: '[default]\rregion = eu-west-2\r',
    ...signs({ key: A.id, region: 'eu-west-2' }),
  },
  {
    name: 'LF and CRLF mixed',
    credentials: `[default]\r\naws_access_key_id = ${A.id}\naws_secret_access_key = ${A.secret}\r\n`,
    config: '[default]\nregion = eu-west-3\r\n',
    ...signs({ key: A.id, region: 'eu-west-3' }),
  },
  {
    name: 'no newline at the end',
    credentials: `[default]\naws_access_key_id = ${A.id}\naws_secret_access_key = ${A.secret}`,
    config: '[default]\nregion = eu-west-1',
    ...signs({ key: A.id, region: 'eu-west-1' }),
  },
  {
    name: 'a BOM in credentials (Notepad)',
    credentials: `\ufeff${defaultKeys()}`,
    config: region('eu-west-1'),
    ...refuses('signs', { key: A.id, region: 'eu-west-1' }),
  },
  {
    name: 'a BOM in config',
    credentials: defaultKeys(),
    config: `\ufeff${region('eu-west-2')}`,
    ...refuses('signs', { key: A.id, region: 'eu-west-2' }),
  },
  {
    name: 'UTF-8 text in comments',
    credentials: `# Schlüssel für Produktion — ключ\n${defaultKeys()}`,
    config: `# région\n${region('eu-west-1')}`,
    ...signs({ key: A.id, region: 'eu-west-1' }),
  },
  {
    name: 'a Latin-1 byte in a comment',
    credentials: `# Schl\xfcssel\n${defaultKeys()}`,
    config: region('eu-west-1'),
    encoding: 'latin1',
    ...refuses('E_AWS_FILE'),
  },
  // Continuations and nested values.
  {
    name: 'nested s3 block before the region',
    credentials: defaultKeys(),
    config: '[default]\ns3 =\n  addressing_style = path\n  signature_version = s3v4\nregion = eu-west-1\n',
    ...signs({ key: A.id, region: 'eu-west-1' }),
  },
  {
    name: 'nested block with blank and comment lines',
    credentials: defaultKeys(),
    config: '[default]\ns3 =\n\n  # style\n  addressing_style = path\n\nregion = eu-west-2\n',
    ...signs({ key: A.id, region: 'eu-west-2' }),
  },
  {
    name: 'a nested line without "="',
    credentials: defaultKeys(),
    config: '[default]\ns3 =\n  signature_version: s3v4\nregion = eu-west-1\n',
    ...refuses('E_AWS_FILE'),
  },
  {
    name: 'an indented secret continues the key id',
    credentials: `[default]\naws_access_key_id = ${A.id}\n  aws_secret_access_key = ${A.secret}\n`,
    config: region('eu-west-1'),
    ...refuses('E_AWS_FILE'),
  },
  {
    name: 'blank lines between options',
    credentials: `[default]\n\naws_access_key_id = ${A.id}\n\n\naws_secret_access_key = ${A.secret}\n\n`,
    config: '\n\n[default]\n\nregion = eu-west-1\n\n',
    ...signs({ key: A.id, region: 'eu-west-1' }),
  },
  {
    name: 'services section with nested sts endpoint',
    credentials: defaultKeys(),
    config:
      '[default]\nregion = eu-west-1\nservices = corp\n[services corp]\ns3 =\n  endpoint_url = http://127.0.0.1:1\n',
    ...signs({ key: A.id, region: 'eu-west-1' }),
  },
  {
    name: 'keys before any section',
    credentials: `aws_access_key_id = ${A.id}\n[default]\naws_secret_access_key = ${A.secret}\n`,
    config: region('eu-west-1'),
    ...refuses('E_AWS_FILE'),
  },
  {
    name: 'a line without a delimiter',
    credentials: `[default]\n${pair(A)}this is not a setting\n`,
    config: region('eu-west-1'),
    ...refuses('E_AWS_FILE'),
  },
  {
    name: 'an option without a name',
    credentials: defaultKeys(),
    config: '[default]\nregion = eu-west-1\n= json\n',
    ...refuses('E_AWS_FILE'),
  },
  {
    name: 'empty value for a setting',
    credentials: defaultKeys(),
    config: '[default]\nx_team_tag =\nregion = eu-west-1\n',
    ...signs({ key: A.id, region: 'eu-west-1' }),
  },
  // Files that are not there, directories, empty files, paths.
  {
    name: 'credentials is a directory',
    credentials: 'dir',
    config: `[default]\nregion = eu-west-1\n${pair(CFG)}`,
    ...signs({ key: CFG.id, region: 'eu-west-1' }),
  },
  {
    name: 'config is a directory',
    credentials: defaultKeys(),
    config: 'dir',
    args: ['--region', 'eu-west-2'],
    ...signs({ key: A.id, region: 'eu-west-2' }),
  },
  {
    name: 'empty credentials file',
    credentials: '',
    config: `[default]\nregion = eu-west-1\n${pair(CFG)}`,
    ...signs({ key: CFG.id, region: 'eu-west-1' }),
  },
  {
    name: 'whitespace-only config',
    credentials: defaultKeys(),
    config: '   \n\t\n',
    args: ['--region', 'eu-west-3'],
    ...signs({ key: A.id, region: 'eu-west-3' }),
  },
  { name: 'no files at all', args: ['--region', 'eu-west-1'], ...refuses('E_NO_CREDENTIALS') },
  {
    name: 'the default ~/.aws paths',
    configVar: null,
    credentialsVar: null,
    extra: { '.aws/credentials': defaultKeys(B), '.aws/config': region('ap-southeast-2') },
    ...signs({ key: B.id, region: 'ap-southeast-2' }),
  },
  {
    name: 'AWS_CONFIG_FILE with ~/',
    configVar: '~/custom/aws-config',
    extra: { 'custom/aws-config': `[default]\nregion = eu-north-1\n${pair(CFG)}` },
    ...signs({ key: CFG.id, region: 'eu-north-1' }),
  },
  {
    name: 'AWS_SHARED_CREDENTIALS_FILE with ~/',
    credentialsVar: '~/keys/creds',
    extra: { 'keys/creds': defaultKeys(B) },
    config: region('eu-west-1'),
    ...signs({ key: B.id, region: 'eu-west-1' }),
  },
  {
    name: 'AWS_CONFIG_FILE with $HOME',
    configVar: '$HOME/cfg/config',
    extra: { 'cfg/config': region('us-west-2') },
    credentials: defaultKeys(),
    ...signs({ key: A.id, region: 'us-west-2' }),
  },
  // Role chains through the loopback STS.
  {
    name: 'role with source_profile',
    credentials: `[base]\n${pair(BASE)}`,
    config: `${ROLE_BASE}[profile deploy]\nrole_arn = ${arn('Deploy')}\nsource_profile = base\nregion = eu-west-1\n`,
    env: { AWS_PROFILE: 'deploy' },
    ...signs({ role: 'Deploy', region: 'eu-west-1' }),
  },
  {
    name: 'role chain of two',
    credentials: `[base]\n${pair(BASE)}`,
    config: `${ROLE_BASE}[profile deploy]\nrole_arn = ${arn('Deploy')}\nsource_profile = base\n[profile admin]\nrole_arn = ${arn('Admin')}\nsource_profile = deploy\nregion = eu-west-2\n`,
    env: { AWS_PROFILE: 'admin' },
    ...signs({ role: 'Admin', region: 'eu-west-2' }),
  },
  {
    name: 'role settings with ":" and capitals',
    credentials: `[base]\n${pair(BASE)}`,
    config: `[profile deploy]\nRole_Arn: ${arn('Deploy')}\nSource_Profile : base\nREGION: eu-west-3\n`,
    env: { AWS_PROFILE: 'deploy' },
    ...signs({ role: 'Deploy', region: 'eu-west-3' }),
  },
  {
    name: 'role sourced from itself (keys in the same profile)',
    credentials: `[solo]\n${pair(BASE)}`,
    config: `[profile solo]\nrole_arn = ${arn('Chained')}\nsource_profile = solo\nregion = eu-west-1\n`,
    env: { AWS_PROFILE: 'solo' },
    ...signs({ role: 'Chained', region: 'eu-west-1' }),
  },
  {
    name: 'role with external_id',
    credentials: `[base]\n${pair(BASE)}`,
    config: `[profile ext]\nrole_arn = ${arn('WithExternalId')}\nsource_profile = base\nexternal_id = ${EXTERNAL_ID}\nregion = us-west-2\n`,
    env: { AWS_PROFILE: 'ext' },
    ...signs({ role: 'WithExternalId', region: 'us-west-2' }),
  },
  {
    name: 'role whose source keys are in the config file, upper case',
    config: `[profile base]\nAWS_ACCESS_KEY_ID: ${BASE.id}\nAWS_SECRET_ACCESS_KEY: ${BASE.secret}\n[profile deploy]\nrole_arn = ${arn('Deploy')}\nsource_profile = base\nregion = ca-central-1\n`,
    env: { AWS_PROFILE: 'deploy' },
    ...signs({ role: 'Deploy', region: 'ca-central-1' }),
  },
  {
    name: 'role profile in the credentials file',
    credentials: `[base]\n${pair(BASE)}[deploy]\nrole_arn = ${arn('Deploy')}\nsource_profile = base\nregion = eu-west-1\n`,
    env: { AWS_PROFILE: 'deploy' },
    ...signs({ role: 'Deploy', region: 'eu-west-1' }),
  },
  {
    name: 'role settings split between the files',
    credentials: `[base]\n${pair(BASE)}[deploy]\nsource_profile = base\n`,
    config: `[profile deploy]\nrole_arn = ${arn('Deploy')}\nregion = eu-west-2\n`,
    env: { AWS_PROFILE: 'deploy' },
    ...signs({ role: 'Deploy', region: 'eu-west-2' }),
  },
  {
    name: 'credential_source = Environment',
    config: `[profile ci]\nrole_arn = ${arn('Deploy')}\ncredential_source = Environment\nregion = eu-west-1\n`,
    env: { AWS_ACCESS_KEY_ID: BASE.id, AWS_SECRET_ACCESS_KEY: BASE.secret },
    args: ['--profile', 'ci'],
    ...signs({ role: 'Deploy', region: 'eu-west-1' }),
  },
  {
    name: 'source_profile loop without keys',
    config:
      '[profile a]\nrole_arn = arn:aws:iam::111122223333:role/Deploy\nsource_profile = b\nregion = eu-west-1\n[profile b]\nrole_arn = arn:aws:iam::111122223333:role/Admin\nsource_profile = a\n',
    env: { AWS_PROFILE: 'a' },
    ...refuses('E_SOURCE_PROFILE_LOOP'),
  },
  {
    name: 'source_profile loop back to a profile with keys',
    credentials: `[a]\n${pair(BASE)}`,
    config: `[profile a]\nrole_arn = ${arn('Deploy')}\nsource_profile = b\nregion = eu-west-1\n[profile b]\nrole_arn = ${arn('Admin')}\nsource_profile = a\n`,
    env: { AWS_PROFILE: 'a' },
    ...refuses('E_SOURCE_PROFILE_LOOP'),
  },
  {
    name: 'a profile its own source without keys',
    config: `[profile self]\nrole_arn = ${arn('Deploy')}\nsource_profile = self\nregion = eu-west-1\n`,
    env: { AWS_PROFILE: 'self' },
    ...refuses('E_SOURCE_PROFILE_LOOP'),
  },
  {
    name: 'source_profile and credential_source both',
    credentials: `[base]\n${pair(BASE)}`,
    config: `[profile both]\nrole_arn = ${arn('Deploy')}\nsource_profile = base\ncredential_source = Environment\nregion = eu-west-1\n`,
    env: { AWS_PROFILE: 'both' },
    ...refuses('E_PROFILE_CONFLICT'),
  },
  {
    name: 'role_arn without a source',
    config: `[profile lone]\nrole_arn = ${arn('Deploy')}\nregion = eu-west-1\n`,
    env: { AWS_PROFILE: 'lone' },
    ...refuses('E_INCOMPLETE_PROFILE'),
  },
  {
    name: 'source_profile that does not exist',
    config: `[profile deploy]\nrole_arn = ${arn('Deploy')}\nsource_profile = nowhere\nregion = eu-west-1\n`,
    env: { AWS_PROFILE: 'deploy' },
    ...refuses('E_PROFILE_NOT_FOUND'),
  },
  {
    name: 'an unknown credential_source',
    config: `[profile cs]\nrole_arn = ${arn('Deploy')}\ncredential_source = Laptop\nregion = eu-west-1\n`,
    env: { AWS_PROFILE: 'cs' },
    ...refuses('E_INCOMPLETE_PROFILE'),
  },
  {
    name: 'credential_source in lower case',
    config: `[profile cs]\nrole_arn = ${arn('Deploy')}\ncredential_source = environment\nregion = eu-west-1\n`,
    env: { AWS_PROFILE: 'cs' },
    ...refuses('E_INCOMPLETE_PROFILE'),
  },
  // SSO, credential_process, web identity.
  {
    name: 'sso_session naming a missing section',
    config:
      '[profile sso]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\nregion = eu-west-1\n',
    env: { AWS_PROFILE: 'sso' },
    ...refuses('E_NO_SSO_SESSION'),
  },
  {
    name: 'legacy SSO profile without sso_region',
    config:
      '[profile sso]\nsso_start_url = https://corp.awsapps.com/start\nsso_account_id = 111122223333\nsso_role_name = Admin\nregion = eu-west-1\n',
    env: { AWS_PROFILE: 'sso' },
    ...refuses('E_INCOMPLETE_PROFILE'),
  },
  {
    name: 'sso-session whose region differs from the profile',
    config:
      '[profile sso]\nsso_session = corp\nsso_region = us-east-1\nsso_account_id = 111122223333\nsso_role_name = Admin\nregion = eu-west-1\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n',
    env: { AWS_PROFILE: 'sso' },
    ...refuses('E_PROFILE_CONFLICT'),
  },
  {
    name: 'credential_process',
    config: '[default]\nregion = eu-west-1\ncredential_process = {dir}/helper.sh\n',
    extra: { 'helper.sh': HELPER },
    ...signs({ key: PROC.id, region: 'eu-west-1' }),
  },
  {
    name: 'credential_process before keys in the config file',
    config: `[default]\nregion = eu-west-1\n${pair(CFG)}credential_process = {dir}/helper.sh\n`,
    extra: { 'helper.sh': HELPER },
    ...signs({ key: PROC.id, region: 'eu-west-1' }),
  },
  {
    name: 'keys in the credentials file before credential_process',
    credentials: defaultKeys(CRED),
    config: '[default]\nregion = eu-west-1\ncredential_process = {dir}/helper.sh\n',
    extra: { 'helper.sh': HELPER },
    ...signs({ key: CRED.id, region: 'eu-west-1' }),
  },
  {
    name: 'web identity token file',
    config: `[profile web]\nrole_arn = ${arn('WebRole')}\nweb_identity_token_file = {dir}/token\nregion = eu-west-1\n`,
    extra: { token: WEB_TOKEN },
    env: { AWS_PROFILE: 'web' },
    ...signs({ role: 'WebRole', region: 'eu-west-1' }),
  },
  {
    name: 'web identity before keys in the same profile',
    credentials: `[web]\n${pair(CRED)}`,
    config: `[profile web]\nrole_arn = ${arn('WebRole')}\nweb_identity_token_file = {dir}/token\nregion = eu-west-2\n`,
    extra: { token: WEB_TOKEN },
    env: { AWS_PROFILE: 'web' },
    ...signs({ role: 'WebRole', region: 'eu-west-2' }),
  },
];
