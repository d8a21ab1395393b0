// `node --import` preload of the unit tier (`npm run test:unit`): a test that starts a process,
// listens on or connects a socket, or arms a real timer longer than UNIT_TIMER_LIMIT_MS fails.
// Each refusal throws where it happens and, in case the code under test swallows the error (a
// daemon miss, say), also marks the process failed and names the call at exit. Importing this
// module installs the guard: nothing imports it but the unit run's --import.
import { createRequire, syncBuiltinESMExports } from 'node:module';

// The longest real timer a unit test may arm; anything longer is a sleep or a real deadline.
const UNIT_TIMER_LIMIT_MS = 10;
// The prefix of every refusal, on stderr and in the thrown error (the guard's self-test looks for it).
const UNIT_GUARD_MARK = 'unit tier guard:';

const require = createRequire(import.meta.url);
const refusals: string[] = [];

function refuse(what: string): never {
  const message = `${UNIT_GUARD_MARK} ${what}; a unit test injects it (deps) or belongs in \`npm test\` only`;
  refusals.push(message);
  process.exitCode = 1;
  throw new Error(message);
}

// Replaces `name` of a module object (and, through syncBuiltinESMExports, its ESM named export).
function forbid(target: Record<string, unknown>, names: string[], what: (name: string) => string): void {
  for (const name of names) {
    if (typeof target[name] !== 'function') continue;
    target[name] = () => refuse(what(name));
  }
}

forbid(
  require('node:child_process'),
  ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'],
  (name) => `child_process.${name}() starts a process`,
);
const net = require('node:net');
forbid(net.Server.prototype, ['listen'], () => 'net server listen() opens a socket');
forbid(net.Socket.prototype, ['connect'], () => 'net socket connect() opens a socket (http, https, tls too)');
forbid(require('node:dgram').Socket.prototype, ['bind', 'send', 'connect'], (name) => `dgram ${name}()`);

type AnyFunction = (...args: unknown[]) => unknown;

function limitDelay(real: AnyFunction, name: string, delayAt: number): AnyFunction {
  return (...args: unknown[]) => {
    const ms = Number(args[delayAt] ?? 0);
    if (ms > UNIT_TIMER_LIMIT_MS)
      refuse(`${name}(${ms} ms) arms a real timer over ${UNIT_TIMER_LIMIT_MS} ms`);
    return real(...args);
  };
}

const timers = require('node:timers');
const timerPromises = require('node:timers/promises');
for (const [holder, name, delayAt] of [
  [globalThis, 'setTimeout', 1],
  [globalThis, 'setInterval', 1],
  [timers, 'setTimeout', 1],
  [timers, 'setInterval', 1],
  [timerPromises, 'setTimeout', 0],
  [timerPromises, 'setInterval', 0],
] as const) {
  const target = holder as unknown as Record<string, AnyFunction>;
  const real = target[name];
  if (real) target[name] = limitDelay(real, name, delayAt);
}
syncBuiltinESMExports();

process.on('exit', () => {
  if (refusals.length === 0) return;
  process.exitCode = 1;
  process.stderr.write(`${[...new Set(refusals)].join('\n')}\n`);
});
