import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { COMPLETION, completionScript } from '../../plugin/completionScript.js';
import { COMMAND_NAMES } from '../../plugin/findCommand.js';
import { HELP } from '../../plugin/help.js';
import { hasCommand } from '../helpers/hasCommand.js';
import { CLI, isolatedEnv, runCli } from '../helpers/runCli.js';

const run = promisify(execFile);
const PATH = `${dirname(CLI)}:${process.env.PATH}`;

describe('eks-token completion', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eks-token-completion-'));
    await writeFile(
      join(dir, 'config'),
      '[default]\nregion = eu-west-1\n[profile dev]\n[ profile  prod-admin ]\n[sso-session corp]\nsso_region = eu-west-1\n',
    );
    await writeFile(join(dir, 'credentials'), '[ci]\naws_access_key_id = x\n');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** Completes `line` (the word under the cursor is its last word) in a real bash that sourced the script. */
  /** The shell's environment: the test's AWS files, whose profiles the scripts complete. */
  const profileEnv = () => ({
    PATH,
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
  });

  async function complete(line: string): Promise<string[]> {
    const words = line.split(' ');
    const script = [
      'source <(eks-token completion bash)',
      `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}`,
      '_eks_token',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: bash, not JavaScript
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join('\n');
    const { stdout } = await run('bash', ['-c', script], { env: profileEnv(), cwd: dir });
    return stdout.split('\n').filter(Boolean).sort();
  }

  it('bash: sourcing registers the completion function', async () => {
    const { stdout } = await run(
      'bash',
      ['-c', 'source <(eks-token completion bash); complete -p eks-token'],
      { env: { PATH } },
    );
    assert.equal(stdout.trim(), 'complete -o default -F _eks_token eks-token');
  });

  it('bash: commands, flags and flag values', async () => {
    assert.deepEqual(await complete('eks-token ku'), ['kubeconfig']);
    assert.deepEqual(await complete('eks-token w'), ['whoami']);
    assert.deepEqual(await complete('eks-token kubeconfig --ce'), [
      '--certificate-authority',
      '--certificate-authority-data',
    ]);
    assert.deepEqual(await complete('eks-token verify --s'), ['--sts']);
    assert.deepEqual(await complete('eks-token whoami --j'), ['--json']);
    assert.deepEqual(await complete('eks-token completion '), ['bash', 'zsh']);
    assert.deepEqual(await complete('eks-token daemon st'), ['start', 'status', 'stop']);
    assert.deepEqual(await complete('eks-token daemon re'), ['restart']);
    assert.deepEqual(await complete('eks-token token --daemon '), ['auto', 'off', 'on']);
    assert.deepEqual(await complete('eks-token token --region cn-'), ['cn-north-1', 'cn-northwest-1']);
    // The regions eks-token knows, the newest included.
    assert.deepEqual(await complete('eks-token token --region ap-southeast-'), [
      'ap-southeast-1',
      'ap-southeast-2',
      'ap-southeast-3',
      'ap-southeast-4',
      'ap-southeast-5',
      'ap-southeast-6',
      'ap-southeast-7',
    ]);
    assert.deepEqual(await complete('eks-token token --profile '), ['ci', 'default', 'dev', 'prod-admin']);
    assert.deepEqual(await complete('eks-token token -i '), []);
    assert.deepEqual(await complete('eks-token kubeconfig --kubeconfig cred'), ['credentials']);
  });

  it('completion and help agree: every defined flag is completed, every completed flag is documented', () => {
    for (const command of ['token', 'get-token', ...COMMAND_NAMES]) {
      const help = HELP[command] ?? '';
      const mentioned = new Set(help.match(/(?<![\w-])--?[a-z][\w-]*/g) ?? []);
      // "All flags of eks-token token are accepted" in get-token's and whoami's help.
      if (/All flags of "eks-token token"/.test(help))
        for (const f of COMPLETION.token?.flags ?? []) mentioned.add(f);
      const defined = help.split('\n').flatMap((line) => {
        const m = /^ {2}(?:(-\w), )? *(--[\w-]+)/.exec(line);
        return m ? [m[1], m[2]].filter((f): f is string => !!f) : [];
      });
      const completed = new Set(COMPLETION[command]?.flags ?? []);
      for (const flag of completed)
        assert.ok(mentioned.has(flag), `${command}: ${flag} is completed but not in its help`);
      for (const flag of defined)
        assert.ok(completed.has(flag), `${command}: ${flag} is in its help but not completed`);
    }
  });

  const zsh = { skip: hasCommand('zsh') ? false : 'zsh not installed' };

  it('zsh: the script loads and registers with compdef', zsh, async () => {
    const script =
      'autoload -U compinit && compinit -u -D; source <(eks-token completion zsh); print -r -- $_comps[eks-token]';
    const { stdout } = await run('zsh', ['-f', '-c', script], { env: { PATH, HOME: dir } });
    assert.equal(stdout.trim(), '_eks_token');
  });

  it('zsh: a real interactive shell completes a command and a flag', zsh, async () => {
    // Types "eks-token kubeconf<TAB> --descr<TAB><RET>" into zsh on a pseudo-terminal; the command then
    // complains that --describe needs a value, which proves both words were completed.
    const script = [
      'zmodload zsh/zpty',
      'zpty z zsh -f -i',
      `zpty -w z 'PROMPT="> "; autoload -U compinit; compinit -u -D; source <(eks-token completion zsh)'`,
      'sleep 1',
      "zpty -w -n z $'eks-token kubeconf\\t --descr\\t\\n'",
      "zpty -r -m z out '*eks-token: *'",
      "zpty -r -m z rest $'*\\n'",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: zsh, not JavaScript
      'print -r -- "eks-token: ${rest//$\'\\r\'/}"',
      'zpty -d z',
    ].join('\n');
    const { stdout } = await run('zsh', ['-f', '-c', script], { env: { PATH, HOME: dir }, timeout: 20_000 });
    assert.match(stdout, /^eks-token: kubeconfig: Option '--describe <value>' argument missing/);
  });

  it('zsh: flag values and subcommand words', zsh, async () => {
    // Outside a completion widget, stand-ins for compadd and _files print what would be offered.
    const offered = async (line: string) => {
      const words = line.split(' ');
      const script = [
        'compadd() { [[ $1 == -- ]] && shift; print -l -- "$@"; }',
        '_files() { print -- FILES; }',
        'compdef() { :; }',
        'source <(eks-token completion zsh)',
        `words=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length}`,
        '_eks_token',
      ].join('\n');
      const { stdout } = await run('zsh', ['-f', '-c', script], { env: profileEnv() });
      return stdout.split('\n').filter(Boolean).sort();
    };
    assert.deepEqual(await offered('eks-token completion '), ['bash', 'zsh']);
    assert.deepEqual(await offered('eks-token token --profile '), ['ci', 'default', 'dev', 'prod-admin']);
    assert.deepEqual(await offered('eks-token verify --token '), ['-', 'FILES']);
    assert.ok((await offered('eks-token whoami ')).includes('--json'));
    assert.ok((await offered('eks-token ')).includes('kubeconfig'));
  });

  it('both scripts are deterministic and unknown shells fail with one line', async () => {
    assert.equal(completionScript('zsh'), completionScript('zsh'));
    assert.match(completionScript('zsh'), /compdef _eks_token eks-token/);
    const r = await runCli(['completion', 'fish'], isolatedEnv());
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      'eks-token: completion: "fish" is not bash or zsh: run eks-token completion bash or eks-token completion zsh\n',
    );
    const ok = await runCli(['completion', 'bash'], isolatedEnv());
    assert.equal(ok.stdout, completionScript('bash'));
  });
});
