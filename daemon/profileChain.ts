import { createHash } from 'node:crypto';

/** What a profile's credential chain reads and runs, as far as the AWS files say. */
export interface ProfileChain {
  /** A profile on the chain has a credential_process: a helper that may read anything of the caller's. */
  runsProcess: boolean;
  /** SSO token cache files the chain reads, relative to HOME (`.aws/sso/cache/<sha1>.json`). */
  ssoTokenFiles: string[];
  /** Web identity token files the profiles name. */
  webIdentityFiles: string[];
}

type Sections = Map<string, Map<string, string>>;

/**
 * Follows `profile` through the config and credentials texts as the SDK and botocore do (the
 * credentials file's keys over the config's; `source_profile` on to the next), without network.
 * Deliberately wide: any credential_process on the chain counts, even behind keys that win.
 */
export function profileChain(profile: string, configText: string, credentialsText: string): ProfileChain {
  const config = parseSections(configText);
  const credentials = parseSections(credentialsText);
  const chain: ProfileChain = { runsProcess: false, ssoTokenFiles: [], webIdentityFiles: [] };
  const seen = new Set<string>();
  for (let name: string | undefined = profile; name !== undefined && !seen.has(name); ) {
    seen.add(name);
    const settings: Map<string, string> = new Map([
      ...(config.get(`profile ${name}`) ?? config.get(name) ?? []),
      ...(credentials.get(name) ?? []),
    ]);
    if (settings.has('credential_process')) chain.runsProcess = true;
    const session = settings.get('sso_session');
    const startUrl = settings.get('sso_start_url');
    // The SDK's token cache file: the SHA-1 of the session name, or of the start URL (legacy).
    if (session) chain.ssoTokenFiles.push(ssoCacheFile(session));
    if (startUrl) chain.ssoTokenFiles.push(ssoCacheFile(startUrl));
    const webIdentity = settings.get('web_identity_token_file');
    if (webIdentity) chain.webIdentityFiles.push(webIdentity);
    name = settings.has('role_arn') ? settings.get('source_profile') : undefined;
  }
  return chain;
}

function ssoCacheFile(id: string): string {
  return `.aws/sso/cache/${createHash('sha1').update(id).digest('hex')}.json`;
}

// Sections and their keys, as the SDK's ini parser reads them: comments after ; or #, `key = value`,
// indented sub-keys ignored (none of them picks a credential source).
function parseSections(text: string): Sections {
  const sections: Sections = new Map();
  let current: Map<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.split(/(^|\s)[;#]/)[0]?.trim() ?? '';
    if (line.startsWith('[') && line.endsWith(']')) {
      const name = line
        .slice(1, -1)
        .trim()
        .replace(/^(profile)\s+(["']?)(.*)\2$/, '$1 $3');
      current = sections.get(name) ?? new Map();
      sections.set(name, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (!current || eq <= 0 || raw.trimStart() !== raw) continue;
    const value = line.slice(eq + 1).trim();
    if (value !== '') current.set(line.slice(0, eq).trim(), value);
  }
  return sections;
}
