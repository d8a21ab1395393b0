import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const LAUNCHER = join(ROOT, 'bin/eks-token');
const INSTALL = join(ROOT, 'install.sh');

/** Runs a program with exactly `env`; never rejects. */
function runWith(file: string, args: string[], env: Record<string, string>, cwd = '/') {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(file, args, { env, cwd, timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

// A stand-in for node that prints what the launcher ran it with: which node, the arguments (the
// bundle first) and the CA variables. It lets a test see the launcher's choices without Node.
const NODE_STUB = `#!/bin/sh
echo "node=$0"
for a in "$@"; do echo "arg=$a"; done
echo "NODE_EXTRA_CA_CERTS=\${NODE_EXTRA_CA_CERTS-unset}"
echo "EKS_TOKEN_EXTRA_CA_CERTS=\${EKS_TOKEN_EXTRA_CA_CERTS-unset}"
`;

describe('the launcher finds its Node and its bundle', () => {
  let dir: string;
  const empty = () => join(dir, 'empty');

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eks-token-launcher-'));
    await mkdir(join(dir, 'empty'));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** A package directory with the launcher and a node stub (or none) in a bin/ of its own. */
  async function stubPackage(name: string, withNode = true): Promise<string> {
    const pkg = join(dir, name);
    await mkdir(join(pkg, 'bin'), { recursive: true });
    await copyFile(LAUNCHER, join(pkg, 'bin/eks-token'));
    if (withNode) {
      await writeFile(join(pkg, 'bin/node'), NODE_STUB);
      await chmod(join(pkg, 'bin/node'), 0o755);
    }
    return pkg;
  }

  it('install.sh records the Node that installed it: works with PATH holding only its bin directory', async () => {
    const prefix = join(dir, 'installed');
    const env = { PATH: process.env.PATH ?? '', HOME: dir, SHELL: '/bin/bash' };
    const installed = await runWith(INSTALL, ['--skip-build', '--prefix', prefix], env);
    assert.equal(installed.code, 0, installed.stderr);
    const r = await runWith(join(prefix, 'bin/eks-token'), ['--version'], { PATH: join(prefix, 'bin') });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
    // kubectl finds it by name on that PATH, as it does when PATH is all it has.
    const byName = await runWith('eks-token', ['--version'], { PATH: join(prefix, 'bin') });
    assert.equal(byName.stdout, r.stdout, byName.stderr);
  });

  it('the recorded Node gone: node from PATH; none on PATH either: one line naming where it looked, exit 127', async () => {
    const nodeDir = join(dir, 'old-node');
    await mkdir(nodeDir);
    await symlink(process.execPath, join(nodeDir, 'node'));
    const prefix = join(dir, 'moved');
    const env = { PATH: `${nodeDir}:/usr/bin:/bin`, HOME: dir, SHELL: '/bin/bash' };
    const installed = await runWith(INSTALL, ['--skip-build', '--prefix', prefix], env);
    assert.equal(installed.code, 0, installed.stderr);
    assert.match(
      await readFile(join(prefix, 'bin/eks-token'), 'utf8'),
      new RegExp(`^node='${nodeDir}/node'$`, 'm'),
    );
    await rm(join(nodeDir, 'node'));
    const stubs = await stubPackage('path-node');
    const fromPath = await runWith(join(prefix, 'bin/eks-token'), ['--version'], {
      PATH: join(stubs, 'bin'),
    });
    assert.equal(fromPath.code, 0, fromPath.stderr);
    assert.match(
      fromPath.stdout,
      /^node=.*\/path-node\/bin\/node\narg=.*\/moved\/lib\/eks-token\/cli\.cjs\narg=--version\n/,
    );
    const none = await runWith(join(prefix, 'bin/eks-token'), ['--version'], { PATH: empty() });
    assert.equal(none.code, 127);
    assert.equal(
      none.stderr,
      `eks-token: cannot find node (looked in ${nodeDir}/node, ${prefix}/bin/node and PATH=${empty()}): ` +
        'reinstall eks-token with the Node you use, or put node on PATH\n',
    );
  });

  it('a node beside the launcher comes before PATH, and NODE_EXTRA_CA_CERTS is handed over', async () => {
    const pkg = await stubPackage('beside');
    const onPath = await stubPackage('beside-path');
    const r = await runWith(join(pkg, 'bin/eks-token'), ['token', '-i', 'x'], {
      PATH: join(onPath, 'bin'),
      NODE_EXTRA_CA_CERTS: '/etc/extra-ca.pem',
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      `node=${pkg}/bin/node\narg=${pkg}/bin/../dist/bundle/cli.cjs\narg=token\narg=-i\narg=x\n` +
        'NODE_EXTRA_CA_CERTS=unset\nEKS_TOKEN_EXTRA_CA_CERTS=/etc/extra-ca.pem\n',
    );
  });

  it('runs the native client first with the Node it chose and the bundle, unless EKS_TOKEN_NATIVE=off', async () => {
    const pkg = await stubPackage('native');
    await mkdir(join(pkg, 'dist/native'), { recursive: true });
    await writeFile(
      join(pkg, 'dist/native/eks-token-hit'),
      '#!/bin/sh\necho "hit=$0"\nfor a in "$@"; do echo "arg=$a"; done\n',
    );
    await chmod(join(pkg, 'dist/native/eks-token-hit'), 0o755);
    const r = await runWith(join(pkg, 'bin/eks-token'), ['token', '-i', 'x'], { PATH: empty() });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      `hit=${pkg}/bin/../dist/native/eks-token-hit\narg=${pkg}/bin/node\narg=${pkg}/bin/../dist/bundle/cli.cjs\n` +
        'arg=token\narg=-i\narg=x\n',
    );
    const off = await runWith(join(pkg, 'bin/eks-token'), ['token'], {
      PATH: empty(),
      EKS_TOKEN_NATIVE: 'off',
    });
    assert.match(off.stdout, /^node=.*\/native\/bin\/node\n/);
  });

  // PATH is an empty directory in these runs: had the launcher started any program (readlink,
  // dirname), it would have failed. Only the shell's built-ins were used.
  for (const layout of [
    { name: 'npm -g', link: 'prefix/bin/eks-token', pkg: 'prefix/lib/node_modules/eks-token' },
    {
      name: 'npx and local installs',
      link: 'proj/node_modules/.bin/eks-token',
      pkg: 'proj/node_modules/eks-token',
    },
  ]) {
    it(`behind npm's link (${layout.name}) it finds the package's bundle with built-ins only`, async () => {
      const pkg = join(dir, layout.pkg);
      await mkdir(join(pkg, 'bin'), { recursive: true });
      await copyFile(LAUNCHER, join(pkg, 'bin/eks-token'));
      const link = join(dir, layout.link);
      await mkdir(join(link, '..'), { recursive: true });
      await symlink(join(pkg, 'bin/eks-token'), link);
      // node beside the link, as npm -g into Node's own prefix has it.
      await writeFile(join(link, '../node'), NODE_STUB);
      await chmod(join(link, '../node'), 0o755);
      const r = await runWith(link, ['--version'], { PATH: empty() });
      assert.equal(r.code, 0, r.stderr);
      const bundle = /^arg=(.*)$/m.exec(r.stdout)?.[1] ?? '';
      assert.equal(join(bundle), join(pkg, 'dist/bundle/cli.cjs'));
    });
  }

  it('behind any other link it follows the link', async () => {
    const pkg = await stubPackage('elsewhere', false);
    const bin = join(dir, 'home-bin');
    await mkdir(bin);
    await symlink(join(pkg, 'bin/eks-token'), join(bin, 'eks-token'));
    const stubs = await stubPackage('path-node-2');
    const r = await runWith(join(bin, 'eks-token'), ['--version'], {
      PATH: `${join(stubs, 'bin')}:/usr/bin:/bin`,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(join(/^arg=(.*)$/m.exec(r.stdout)?.[1] ?? ''), join(pkg, 'dist/bundle/cli.cjs'));
  });
});
