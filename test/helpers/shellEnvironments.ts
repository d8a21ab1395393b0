/**
 * Environments of real shells, as their terminals, multiplexers, logins, IDEs and tools set them:
 * what `env` printed in each (values shortened, user and host names replaced). The same user and
 * the same AWS settings in each; everything else is what differs between shells.
 */

/** One shell: where it comes from and the variables it adds to the user's base environment. */
export interface ShellEnvironment {
  name: string;
  env: Record<string, string>;
}

/** What every shell of the user has: login variables and the AWS settings under test. */
export function baseEnvironment(home: string): Record<string, string> {
  return {
    HOME: home,
    USER: 'dev',
    LOGNAME: 'dev',
    SHELL: '/bin/bash',
    LANG: 'en_US.UTF-8',
    PATH: '/usr/local/bin:/usr/bin:/bin',
    EDITOR: 'vim',
    KUBECONFIG: `${home}/.kube/config`,
  };
}

// RHEL's which2.sh and Lmod export shell functions: /bin/sh (bash) passes them on to every child.
const RHEL_FUNCTIONS = {
  'BASH_FUNC_which%%':
    '() {  ( alias;\n eval ${which_declare} ) | /usr/bin/which --tty-only --read-alias --read-functions --show-tilde --show-dot "$@"\n}',
  'BASH_FUNC_module%%':
    '() {  if [ -z "${LMOD_SH_DBG_ON+x}" ]; then\n case "$-" in \n *v*x*) __lmod_sh_dbg=\'vx\' ;;\n esac;\n fi;\n eval "$($LMOD_CMD shell "$@")" && eval "$(${LMOD_SETTARG_CMD:-:} -s sh)"\n}',
};

/** Shells of one user that must share one token and one credential fetch (any source but a helper). */
export const SHELLS: ShellEnvironment[] = [
  {
    name: 'GNOME Terminal',
    env: {
      TERM: 'xterm-256color',
      COLORTERM: 'truecolor',
      VTE_VERSION: '7006',
      GNOME_TERMINAL_SCREEN: '/org/gnome/Terminal/screen/6a8d1c2e_4b1f_4f0a_9c51_7d0c3c5f0e11',
      GNOME_TERMINAL_SERVICE: ':1.97',
      WINDOWID: '44040199',
      SHLVL: '1',
      PWD: '/home/dev',
    },
  },
  {
    name: 'tmux pane',
    env: {
      TERM: 'tmux-256color',
      TMUX: '/tmp/tmux-1000/default,2215,0',
      TMUX_PANE: '%7',
      TERM_PROGRAM: 'tmux',
      TERM_PROGRAM_VERSION: '3.3a',
      SHLVL: '2',
      PWD: '/home/dev/src/infra',
    },
  },
  {
    name: 'GNU screen window',
    env: { TERM: 'screen.xterm-256color', STY: '8812.pts-3.host', WINDOW: '2', SHLVL: '2' },
  },
  {
    name: 'zellij pane',
    env: { ZELLIJ: '0', ZELLIJ_PANE_ID: '3', ZELLIJ_SESSION_NAME: 'quiet-otter', TERM: 'xterm-256color' },
  },
  {
    name: 'SSH login with agent forwarding',
    env: {
      SSH_AUTH_SOCK: '/tmp/ssh-XXXXk2F9aQ/agent.31337',
      SSH_CLIENT: '10.0.4.17 52144 22',
      SSH_CONNECTION: '10.0.4.17 52144 10.0.9.3 22',
      SSH_TTY: '/dev/pts/4',
      TERM: 'xterm-256color',
      MOTD_SHOWN: 'pam',
      XDG_SESSION_ID: '412',
    },
  },
  {
    name: 'VS Code integrated terminal',
    env: {
      TERM_PROGRAM: 'vscode',
      TERM_PROGRAM_VERSION: '1.95.3',
      VSCODE_GIT_IPC_HANDLE: '/run/user/1000/vscode-git-2b8f1c7d3e.sock',
      VSCODE_GIT_ASKPASS_NODE: '/usr/share/code/code',
      VSCODE_GIT_ASKPASS_MAIN: '/usr/share/code/resources/app/extensions/git/dist/askpass-main.js',
      VSCODE_GIT_ASKPASS_EXTRA_ARGS: '',
      GIT_ASKPASS: '/usr/share/code/resources/app/extensions/git/dist/askpass.sh',
      VSCODE_INJECTION: '1',
      VSCODE_NONCE: '4f1d2a7e-9b0c-4e61-8a53-2c7f0d9e1b44',
      COLORTERM: 'truecolor',
    },
  },
  {
    name: 'JetBrains terminal',
    env: {
      TERMINAL_EMULATOR: 'JetBrains-JediTerm',
      TERM: 'xterm-256color',
      __INTELLIJ_COMMAND_HISTFILE__:
        '/home/dev/.cache/JetBrains/IntelliJIdea2024.3/terminal/history/infra-history',
    },
  },
  {
    name: 'Konsole with direnv',
    env: {
      KONSOLE_DBUS_SESSION: '/Sessions/3',
      KONSOLE_DBUS_WINDOW: '/Windows/1',
      KONSOLE_VERSION: '240802',
      SHELL_SESSION_ID: '6f0ac1d2b3e44f5b8a9c0d1e2f3a4b5c',
      DIRENV_DIR: '-/home/dev/src/infra',
      DIRENV_FILE: '/home/dev/src/infra/.envrc',
      DIRENV_DIFF:
        'eJyszs1KAzEQB_B3ybmH2SQzSfYxBCnSYzeZpEFKt4o4tJNZk5tlEWqlX_4sXJh_fqP-mU2DCEF9s1uKVEcxP_9Yn91UqRC',
      DIRENV_WATCHES: 'eJyszEEKwjAQBdC7zNqFdZNmWXgJSy6lqKbV0hrXBfQ0',
    },
  },
  {
    name: 'Python virtualenv, nvm and asdf',
    env: {
      VIRTUAL_ENV: '/home/dev/src/infra/.venv',
      VIRTUAL_ENV_PROMPT: '(.venv) ',
      NVM_DIR: '/home/dev/.nvm',
      NVM_BIN: '/home/dev/.nvm/versions/node/v20.18.0/bin',
      ASDF_DIR: '/home/dev/.asdf',
      PATH: '/home/dev/src/infra/.venv/bin:/home/dev/.nvm/versions/node/v20.18.0/bin:/home/dev/.asdf/shims:/usr/local/bin:/usr/bin:/bin',
    },
  },
  {
    name: 'starship prompt in kitty',
    env: {
      STARSHIP_SESSION_KEY: '7315448120471162',
      STARSHIP_SHELL: 'zsh',
      KITTY_WINDOW_ID: '5',
      KITTY_PID: '91822',
      TERM: 'xterm-kitty',
      SHELL: '/usr/bin/zsh',
    },
  },
  {
    name: 'RHEL login shell (exported shell functions)',
    env: {
      ...RHEL_FUNCTIONS,
      which_declare: 'declare -f',
      LMOD_CMD: '/usr/share/lmod/lmod/libexec/lmod',
      MODULEPATH: '/etc/modulefiles:/usr/share/modulefiles',
      HISTCONTROL: 'ignoredups',
    },
  },
  {
    name: 'hyperfine run',
    env: { HYPERFINE_RANDOMIZED_ENVIRONMENT_OFFSET: '1187', TERM: 'xterm-256color' },
  },
  {
    name: 'GitHub Actions runner',
    env: {
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_RUN_ID: '11893412761',
      GITHUB_SHA: 'c0ffee1234567890c0ffee1234567890c0ffee12',
      RUNNER_TEMP: '/home/runner/work/_temp',
      RUNNER_TRACKING_ID: 'github_4b0c1a2e-9d8f-4e7a-b6c5-1d2e3f4a5b6c',
      // Runners export big variables (the event payload, matrix JSON).
      GITHUB_EVENT_JSON: JSON.stringify({
        commits: Array.from({ length: 200 }, (_, i) => ({ id: i, message: 'x'.repeat(90) })),
      }),
    },
  },
];

/** Variables a credential_process helper may read that are not per-shell noise (its identity). */
export const HELPER_INPUTS: ShellEnvironment[] = [
  { name: 'TERMINAL_ACCOUNT (starts with TERM, is not noise)', env: { TERMINAL_ACCOUNT: 'billing' } },
  { name: "direnv's directory", env: { DIRENV_DIR: '-/home/dev/src/other' } },
  { name: 'a virtualenv on PATH', env: { PATH: '/home/dev/.venv2/bin:/usr/local/bin:/usr/bin:/bin' } },
];
