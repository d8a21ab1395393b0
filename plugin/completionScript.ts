import { KNOWN_REGIONS } from '../src/aws/knownRegions.js';

/** The shells `eks-token completion` writes scripts for. */
export type Shell = 'bash' | 'zsh';

const TOKEN_FLAGS = words(
  '-i --cluster-id -r --role -e --external-id -s --session-name --forward-session-name --region --profile ' +
    '--token-only --txt-fallback --dns-server --daemon --debug -h --help',
);

/** Subcommands and their flags (positional words for daemon, completion and help); tests hold them to the help texts. */
export const COMPLETION: Record<string, { flags: string[]; words?: string[] }> = {
  token: { flags: [...TOKEN_FLAGS, ...words('--cache -o --output')] },
  'get-token': {
    flags: [
      ...words('--cluster-name --role-arn --output --cache'),
      // The AWS CLI's global options it accepts.
      ...words(
        '--endpoint-url --no-verify-ssl --ca-bundle --no-paginate --no-cli-pager --color --cli-read-timeout ' +
          '--cli-connect-timeout --cli-binary-format --cli-auto-prompt --no-cli-auto-prompt',
      ),
      ...TOKEN_FLAGS,
    ],
  },
  daemon: { flags: [], words: words('run start stop restart status flush') },
  kubeconfig: {
    flags: words(
      '--kubeconfig --name --alias --server --certificate-authority-data --certificate-authority --clusters ' +
        '--refresh --insecure-skip-tls-verify -i --cluster-id ' +
        '--role --role-arn --region --profile --describe --daemon --dns-server --exec-api-version --dry-run --migrate ' +
        '-h --help',
    ),
  },
  'update-kubeconfig': {
    flags: words(
      '--name --kubeconfig --role-arn --assume-role-arn --proxy-url --alias --user-alias --region --profile ' +
        '--endpoint-url --dry-run --verbose --debug -h --help',
    ),
  },
  whoami: { flags: [...TOKEN_FLAGS, '--json'] },
  verify: { flags: words('-t --token -i --cluster-id --sts --dns-server -h --help') },
  completion: { flags: [], words: words('bash zsh') },
  doctor: {
    flags: words(
      '-i --cluster-id --kubeconfig --offline --region --profile -r --role --dns-server -h --help',
    ),
  },
  help: { flags: [], words: [] },
  version: { flags: [] },
};

// Values offered after a flag; FILES means file names, NONE means a free value (offer nothing).
const FILES = '@files';
const NONE = '@none';
const VALUES: Record<string, string> = {
  // Every region AWS lists, as eks-token knows them.
  '--region': Object.values(KNOWN_REGIONS).flat().join(' '),
  '--daemon': 'off on auto',
  '--exec-api-version': 'v1beta1 v1',
  '--txt-fallback': 'literal',
  '--output': 'json',
  '-o': 'json',
  '--color': 'on off auto',
  '--cli-binary-format': 'base64 raw-in-base64-out',
  '--ca-bundle': FILES,
  '--kubeconfig': FILES,
  '--certificate-authority': FILES,
  '--token': '- @files',
  '-t': '- @files',
  '--profile': '@profiles',
};
const FREE = words(
  '-i --cluster-id --cluster-name -r --role --role-arn -e --external-id -s --session-name --dns-server --name ' +
    '--alias --server --certificate-authority-data --describe --user-alias --assume-role-arn --proxy-url --endpoint-url --clusters ' +
    '--cli-read-timeout --cli-connect-timeout',
);

/** A completion script for `shell`; source it, or put it where the shell loads completions. */
export function completionScript(shell: Shell): string {
  const commands = Object.keys(COMPLETION);
  const arms = Object.entries(COMPLETION).map(([name, c]) => {
    const words = name === 'help' ? commands : (c.words ?? []);
    return `    ${name}) eks_words="${[...words, ...c.flags].join(' ')}" ;;`;
  });
  const valueArms = Object.entries(VALUES).map(([flag, v]) => `    ${flag}) eks_values="${v}" ;;`);
  const body = `# eks-token ${shell} completion: source <(eks-token completion ${shell})
__eks_token_profiles() {
  local f
  # [name] and [profile name] sections; [sso-session x] and [services x] have a space left and do not match.
  for f in "\${AWS_CONFIG_FILE:-$HOME/.aws/config}" "\${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}"; do
    [ -r "$f" ] && sed -n 's/^[[:space:]]*\\[[[:space:]]*\\(profile[[:space:]]\\{1,\\}\\)\\{0,1\\}\\([^][:space:]]*\\)[[:space:]]*\\].*/\\2/p' "$f"
  done | sort -u
}
# Sets "eks_values" for the flag before the cursor (return 0), or returns 1 when that word takes no value.
__eks_token_values() {
  eks_values=
  case "$1" in
${valueArms.join('\n')}
    ${FREE.join('|')}) eks_values="${NONE}" ;;
    *) return 1 ;;
  esac
  [ "$eks_values" = "@profiles" ] && eks_values="$(__eks_token_profiles)"
  return 0
}
# Sets "eks_words" for the subcommand in $1.
__eks_token_words() {
  eks_words=
  case "$1" in
${arms.join('\n')}
  esac
}
`;
  return shell === 'bash' ? body + BASH(commands) : body + ZSH(commands);
}

const BASH = (commands: string[]) => `_eks_token() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} eks_values eks_words
  COMPREPLY=()
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${commands.join(' ')} --help --version" -- "$cur"))
    return 0
  fi
  if __eks_token_values "$prev"; then
    case "$eks_values" in
      ${NONE}) ;;
      *${FILES}*) COMPREPLY=($(compgen -W "\${eks_values/${FILES}/}" -- "$cur") $(compgen -f -- "$cur")) ;;
      *) COMPREPLY=($(compgen -W "$eks_values" -- "$cur")) ;;
    esac
    return 0
  fi
  __eks_token_words "\${COMP_WORDS[1]}"
  COMPREPLY=($(compgen -W "$eks_words" -- "$cur"))
}
complete -o default -F _eks_token eks-token
`;

const ZSH = (commands: string[]) => `_eks_token() {
  local eks_values eks_words
  if (( CURRENT == 2 )); then
    compadd -- ${commands.join(' ')} --help --version
    return
  fi
  if __eks_token_values "\${words[CURRENT-1]}"; then
    case "$eks_values" in
      ${NONE}) ;;
      *${FILES}*) compadd -- \${=eks_values/${FILES}/}; _files ;;
      *) compadd -- \${=eks_values} ;;
    esac
    return
  fi
  __eks_token_words "\${words[2]}"
  compadd -- \${=eks_words}
}
if [ "$funcstack[1]" = "_eks_token" ]; then
  _eks_token "$@"
else
  compdef _eks_token eks-token
fi
`;

function words(text: string): string[] {
  return text.split(' ');
}
