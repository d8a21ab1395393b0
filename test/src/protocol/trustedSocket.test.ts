import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { ensureSocketDir } from '../../../src/protocol/ensureSocketDir.js';
import { isNormalAbsolute, resolveSocketPath } from '../../../src/protocol/resolveSocketPath.js';
import { socketDirOf, socketDirProblem } from '../../../src/protocol/socketDirProblem.js';
import { isEksTokenError } from '../../../src/shared/EksTokenError.js';

const root = mkdtempSync(join(tmpdir(), 'ekst-dir-'));
after(() => rmSync(root, { recursive: true, force: true }));

function refusal(fn: () => void): string {
  try {
    fn();
  } catch (error) {
    assert.ok(isEksTokenError(error) && error.code === 'E_SOCKET_DIR', String(error));
    return `${error.message}: ${error.hint}`;
  }
  assert.fail('expected E_SOCKET_DIR');
}

test('socket path: EKS_TOKEN_SOCKET, then XDG_RUNTIME_DIR, then /tmp/eks-token-<uid>', () => {
  assert.equal(
    resolveSocketPath({ EKS_TOKEN_SOCKET: '/x/s.sock', XDG_RUNTIME_DIR: '/run/user/7' }, 7),
    '/x/s.sock',
  );
  assert.equal(resolveSocketPath({ XDG_RUNTIME_DIR: '/run/user/7' }, 7), '/run/user/7/eks-token/daemon.sock');
  assert.equal(resolveSocketPath({ XDG_RUNTIME_DIR: 'relative' }, 7), '/tmp/eks-token-7/daemon.sock');
  assert.equal(resolveSocketPath({}, 7), '/tmp/eks-token-7/daemon.sock');
});

test('the shortcut past path.resolve and join gives what they give, for any path', () => {
  // Paths built from the characters that matter to normalisation: slashes, dots and plain letters.
  const path = fc.stringMatching(/^[/.a]{0,12}$/);
  fc.assert(
    fc.property(path, path, (socket, runtime) => {
      if (isNormalAbsolute(socket)) assert.equal(socket, resolve(socket));
      assert.equal(resolveSocketPath({ EKS_TOKEN_SOCKET: `${socket}x` }, 7), resolve(`${socket}x`));
      const viaRuntime = resolveSocketPath({ XDG_RUNTIME_DIR: runtime }, 7);
      const expected = runtime.startsWith('/')
        ? join(runtime, 'eks-token', 'daemon.sock')
        : '/tmp/eks-token-7/daemon.sock';
      assert.equal(viaRuntime, expected);
      assert.equal(socketDirOf(viaRuntime), dirname(viaRuntime));
    }),
    { numRuns: 2000 },
  );
  // Each shape the shortcut must refuse, so a loosened pattern fails here.
  for (const odd of ['/a//b', '/a/./b', '/a/../b', '/a/', '/.', '/..', 'a/b', '/'])
    assert.equal(isNormalAbsolute(odd), false, odd);
  assert.equal(isNormalAbsolute('/a/.b/..c/b.'), true);
});

test('a missing directory is created 0700', () => {
  const socket = join(root, 'new', 'deeper', 'daemon.sock');
  ensureSocketDir(socket);
  assert.equal(lstatSync(join(root, 'new', 'deeper')).mode & 0o777, 0o700);
  assert.equal(socketDirProblem(join(root, 'new', 'deeper')), undefined);
});

test('group or other bits, a symlink, a file and a foreign owner are refused', () => {
  const open = join(root, 'open');
  mkdirSync(open, { mode: 0o700 });
  chmodSync(open, 0o755);
  assert.match(
    refusal(() => ensureSocketDir(join(open, 's.sock'))),
    /mode 755.*chmod 700/,
  );
  chmodSync(open, 0o710);
  assert.match(
    refusal(() => ensureSocketDir(join(open, 's.sock'))),
    /mode 710/,
  );
  const target = join(root, 'target');
  mkdirSync(target, { mode: 0o700 });
  symlinkSync(target, join(root, 'link'));
  assert.match(
    refusal(() => ensureSocketDir(join(root, 'link', 's.sock'))),
    /symbolic link/,
  );
  writeFileSync(join(root, 'file'), '');
  assert.match(
    refusal(() => ensureSocketDir(join(root, 'file', 's.sock'))),
    /not a directory|cannot create/,
  );
  assert.match(
    refusal(() => ensureSocketDir(`${root}/${'x'.repeat(120)}/s.sock`)),
    /longer than/,
  );
  const foreign = join(root, 'foreign');
  mkdirSync(foreign, { mode: 0o700 });
  // Root can hand the directory to another uid; anyone else checks the same rule with a uid that is not theirs.
  if (process.getuid?.() === 0) chownSync(foreign, 65534, 65534);
  const uid = process.getuid?.() === 0 ? 0 : (process.getuid?.() ?? 0) + 1;
  assert.match(
    refusal(() => ensureSocketDir(join(foreign, 's.sock'), uid)),
    /owned by uid/,
  );
});
