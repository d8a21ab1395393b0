import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DaemonHarness, tokenOf, urlOf } from '../helpers/daemonHarness.js';

// A credential_process helper found on PATH, whose key depends on its directory and on $IDENT; each
// run is counted.
let h: DaemonHarness;
const SECRET = 'identitySecretEXAMPLEidentitySecretEXAMPLE';
before(async () => {
  h = new DaemonHarness();
  for (const bin of ['bin-a', 'bin-b']) {
    mkdirSync(join(h.dir, bin));
    const helper = join(h.dir, bin, 'eks-creds-helper');
    writeFileSync(
      helper,
      [
        '#!/bin/sh',
        `echo run >> ${h.dir}/runs`,
        `id=$(echo "${bin}\${IDENT:-alpha}" | tr -dc 'a-z' | tr 'a-z' 'A-Z')`,
        `echo "{\\"Version\\":1,\\"AccessKeyId\\":\\"AKID$id\\",\\"SecretAccessKey\\":\\"${SECRET}\\"}"`,
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    h.fixtures.add(helper);
  }
  h.writeHome('.aws/config', '[profile helper]\ncredential_process = eks-creds-helper\nregion = eu-west-1\n');
  await h.startDaemon();
});
after(async () => h.cleanup([SECRET]));

const runs = () => readFileSync(join(h.dir, 'runs'), 'utf8').split('\n').filter(Boolean).length;

/** The access key id the token was signed with, and whether the daemon answered from its cache. */
async function tokenFor(extra: Record<string, string>) {
  const env = h.env({ AWS_PROFILE: 'helper', PATH: `${h.dir}/bin-a:/usr/bin:/bin`, ...extra });
  const r = await h.run(['token', '-i', 'eks-a', '--daemon', 'on', '--debug'], env);
  assert.equal(r.code, 0, r.stderr);
  const from = /token from the daemon \((cached|minted)\)/.exec(r.stderr)?.[1] ?? 'in-process';
  return { key: urlOf(tokenOf(r.stdout)).searchParams.get('X-Amz-Credential')?.split('/')[0], from };
}

test('shells that differ only in per-shell noise share one token and one credential fetch', async () => {
  const first = await tokenFor({ PWD: '/', SHLVL: '1', TERM: 'xterm', COLUMNS: '80' });
  const second = await tokenFor({
    PWD: '/srv',
    OLDPWD: '/',
    SHLVL: '3',
    _: '/usr/bin/kubectl',
    TERM: 'screen-256color',
    TERM_PROGRAM: 'tmux',
    COLUMNS: '200',
    LINES: '50',
    TMUX_PANE: '%3',
    WINDOWID: '4242',
    SSH_TTY: '/dev/pts/3',
  });
  assert.deepEqual(first, { key: 'AKIDBINAALPHA', from: 'minted' });
  assert.deepEqual(second, { key: 'AKIDBINAALPHA', from: 'cached' });
  assert.equal(runs(), 1, 'one credential fetch for both shells');
});

test("a helper's own variable or another PATH is another identity, with its own token", async () => {
  assert.deepEqual(await tokenFor({ IDENT: 'beta' }), { key: 'AKIDBINABETA', from: 'minted' });
  assert.deepEqual(await tokenFor({ IDENT: 'gamma' }), { key: 'AKIDBINAGAMMA', from: 'minted' });
  assert.deepEqual(await tokenFor({ PATH: `${h.dir}/bin-b:/usr/bin:/bin` }), {
    key: 'AKIDBINBALPHA',
    from: 'minted',
  });
  // And each is cached for itself.
  assert.deepEqual(await tokenFor({ IDENT: 'beta' }), { key: 'AKIDBINABETA', from: 'cached' });
});
