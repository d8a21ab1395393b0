import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { hasCommand } from '../helpers/hasCommand.js';

const run = promisify(execFile);
const INSTALL = fileURLToPath(new URL('../../../install.sh', import.meta.url));

describe('install.sh', () => {
  let dir: string;
  let env: Record<string, string>;
  const install = (...args: string[]) =>
    run(INSTALL, ['--skip-build', '--prefix', join(dir, 'prefix'), ...args], { env, cwd: '/' });
  const units = () => join(dir, 'config/systemd/user');

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eks-token-install-'));
    await mkdir(join(dir, 'run'), { mode: 0o700 });
    env = {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      XDG_CONFIG_HOME: join(dir, 'config'),
      XDG_RUNTIME_DIR: join(dir, 'run'),
    };
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('puts a launcher in PREFIX/bin that works from any directory, twice in a row', async () => {
    await install();
    const again = await install();
    assert.match(again.stdout, /installed: .*prefix\/bin\/eks-token/);
    const { stdout } = await run(join(dir, 'prefix/bin/eks-token'), ['--version'], { env, cwd: tmpdir() });
    assert.match(stdout, /^\d+\.\d+\.\d+\n$/);
    assert.ok(existsSync(join(dir, 'prefix/lib/eks-token/cli.cjs')));
  });

  it('--with-daemon writes systemd units that systemd-analyze accepts', {
    skip: !hasCommand('systemd-analyze') && 'systemd-analyze not installed',
  }, async () => {
    await install('--with-daemon');
    const socket = await readFile(join(units(), 'eks-token.socket'), 'utf8');
    assert.match(socket, /ListenStream=%t\/eks-token\/daemon\.sock/);
    assert.match(socket, /SocketMode=0600/);
    const service = await readFile(join(units(), 'eks-token.service'), 'utf8');
    assert.match(service, new RegExp(`ExecStart=${join(dir, 'prefix/bin/eks-token')} daemon run`));
    const verify = await run(
      'systemd-analyze',
      ['verify', '--user', join(units(), 'eks-token.socket'), join(units(), 'eks-token.service')],
      { env },
    );
    assert.equal(verify.stderr, '');
  });

  it('--uninstall removes the launcher, the bundle, the units, the running daemon and its socket directory, and the directories left empty', async () => {
    await install('--with-daemon');
    const start = await run(join(dir, 'prefix/bin/eks-token'), ['daemon', 'start'], { env, cwd: '/' });
    assert.match(start.stdout, /daemon started on .*run\/eks-token\/daemon\.sock/);
    await install('--uninstall');
    for (const path of ['prefix', 'config/systemd', 'run/eks-token']) {
      assert.equal(existsSync(join(dir, path)), false, path);
    }
    assert.ok(existsSync(join(dir, 'config')), 'XDG_CONFIG_HOME itself stays');
    // A prefix with other software in it keeps that, and its directories.
    await install();
    await writeFile(join(dir, 'prefix/bin/other-tool'), '');
    await install('--uninstall');
    assert.equal(existsSync(join(dir, 'prefix/bin/eks-token')), false);
    assert.equal(existsSync(join(dir, 'prefix/lib')), false);
    assert.ok(existsSync(join(dir, 'prefix/bin/other-tool')));
    await rm(join(dir, 'prefix'), { recursive: true });
  });

  for (const [shell, line] of [
    ['/bin/bash', (bin: string) => `echo 'export PATH="${bin}:$PATH"' >> ~/.bashrc`],
    ['/usr/bin/zsh', (bin: string) => `echo 'export PATH="${bin}:$PATH"' >> ~/.zshrc`],
    ['/usr/bin/fish', (bin: string) => `fish_add_path ${bin}`],
    ['/bin/dash', (bin: string) => `echo 'export PATH="${bin}:$PATH"' >> ~/.profile`],
  ] as const) {
    it(`bin directory not on PATH, ${shell}: prints the exact line to add`, async () => {
      const bin = join(dir, 'prefix/bin');
      const r = await run(INSTALL, ['--skip-build', '--prefix', join(dir, 'prefix')], {
        env: { ...env, SHELL: shell },
        cwd: '/',
      });
      assert.ok(
        r.stdout.endsWith(`note: ${bin} is not on PATH; add it (then open a new shell):\n  ${line(bin)}\n`),
        r.stdout,
      );
      // The line does what it says: a shell that runs it finds eks-token.
      if (shell !== '/usr/bin/fish') {
        const home = join(dir, `home-${shell.replace(/\//g, '_')}`);
        await mkdir(home);
        const rc = line(bin).replace(/~\/(\S+)$/, `${home}/$1`);
        await run('sh', ['-c', rc], { env });
        const found = await run('sh', ['-c', `. ${rc.replace(/^.*>> /, '')} && command -v eks-token`], {
          env: { PATH: '/usr/bin:/bin' },
        });
        assert.equal(found.stdout, `${bin}/eks-token\n`);
      }
    });
  }

  it('bin directory on PATH: no PATH note', async () => {
    const r = await run(INSTALL, ['--skip-build', '--prefix', join(dir, 'prefix')], {
      env: { ...env, PATH: `${join(dir, 'prefix/bin')}:${env.PATH}`, SHELL: '/bin/bash' },
      cwd: '/',
    });
    assert.doesNotMatch(r.stdout, /not on PATH/);
  });

  it('refuses unknown options with one line', async () => {
    await assert.rejects(
      install('--frobnicate'),
      (e: { code: number; stderr: string }) =>
        e.code === 1 && /^eks-token install: unknown option --frobnicate/.test(e.stderr),
    );
  });
});
