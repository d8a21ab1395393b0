import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateWrapperScript } from '../../../src/kubeconfig/evaluateWrapperScript.js';

// The script published with the blue/green set-up this tool was written for, as it was published.
const ARTICLE = `#!/bin/bash
target_cluster=$(dig +short -t TXT "$3" | tr -d '"')
if [ -z "$target_cluster" ]; then target_cluster="$3"; fi
set -- "\${@:1:2}" "$target_cluster" "\${@:4}"
aws-iam-authenticator "$@"
`;
const ARGS = ['token', '-i', 'eks.devinfra.info', '-r', 'arn:aws:iam::111122223333:role/k8s'];

test('the published TXT wrapper: the DNS name in the cluster-id position, falling back to it', () => {
  assert.deepEqual(evaluateWrapperScript(ARTICLE, ARGS), {
    command: 'aws-iam-authenticator',
    args: ARGS,
    env: [],
    txt: { index: 2, name: 'eks.devinfra.info', fallback: true },
  });
});

test('TXT lookups with dig, host, nslookup and drill, with or without +short and fallbacks', () => {
  const lookups = [
    'dig +short TXT "$3"',
    'dig "$3" txt +short +time=1 | head -n1 | tr -d \'"\'',
    'dig -tTXT $3 +short',
    'host -t TXT "$3" | cut -d\'"\' -f2',
    "nslookup -type=TXT \"$3\" | grep text | awk -F'\"' '{print $2}'",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell, not JavaScript
    'nslookup -q=txt "${3}" | sed -n "s/.*text = //p"',
    "drill TXT \"$3\" | grep -v '^;' | awk '{print $5}'",
  ];
  const fallbacks: Array<[string, boolean]> = [
    ['[ -z "$c" ] && c="$3"', true],
    ['[ -n "$c" ] || c=$3', true],
    ['if test -z "$c"\nthen\n  c="$3"\nfi', true],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell, not JavaScript
    ['if [[ -z $c ]]; then c="${3}"; fi', true],
    ['', false],
  ];
  for (const lookup of lookups)
    for (const [fallback, expected] of fallbacks) {
      const script = `#!/bin/sh\nset -eu\nexport AWS_PROFILE=ops\nc=$(${lookup})\n${fallback}\nexec aws-iam-authenticator token -i "$c" "\${@:4}"\n`;
      const call = evaluateWrapperScript(script, ARGS);
      assert.ok(typeof call === 'object', `${script}: ${call}`);
      assert.deepEqual(call.args, ['token', '-i', 'eks.devinfra.info', '-r', ARGS[4]]);
      assert.deepEqual(call.env, [{ name: 'AWS_PROFILE', value: 'ops' }]);
      assert.deepEqual(call.txt, { index: 2, name: 'eks.devinfra.info', fallback: expected }, script);
    }
  // ${c:-$3} in the call is the same fallback.
  const inline = evaluateWrapperScript(
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell, not JavaScript
    '#!/bin/bash\nc=$(dig +short -t TXT "$2")\naws --region eu-west-1 eks get-token --cluster-name "${c:-$2}" --output json\n',
    ['--name', 'eks.example.com'],
  );
  assert.deepEqual(typeof inline === 'object' && inline.txt, {
    index: 5,
    name: 'eks.example.com',
    fallback: true,
  });
});

test('plain pass-through wrappers still read as before', () => {
  const script = `#!/usr/bin/env bash\n# team wrapper\nset -euo pipefail\nexport AWS_PROFILE=team\nexec aws-iam-authenticator token -r 'arn:aws:iam::1:role/x' "$@"\n`;
  assert.deepEqual(evaluateWrapperScript(script, ['-i', 'prod']), {
    command: 'aws-iam-authenticator',
    args: ['token', '-r', 'arn:aws:iam::1:role/x', '-i', 'prod'],
    env: [{ name: 'AWS_PROFILE', value: 'team' }],
  });
});

test('what it cannot follow is a reason; a script that calls neither tool is not its business', () => {
  const refused = [
    'exec aws eks get-token $EXTRA "$@"',
    'exec aws eks get-token "$@" | jq .',
    'exec aws eks get-token "$@"\necho done',
    'if true; then exec aws eks get-token "$@"; fi',
    'export AWS_PROFILE=$(cat f)\nexec aws eks get-token "$@"',
    'AWS_PROFILE=x\nexec aws eks get-token "$@"',
    'c=$(dig +short TXT "$1" @10.0.0.2)\nexec aws eks get-token --cluster-name "$c"',
    'c=$(dig +short A "$1")\nexec aws eks get-token --cluster-name "$c"',
    'c=$(dig +short TXT "$1" | python3 -c x)\nexec aws eks get-token --cluster-name "$c"',
    'c=$(dig +short TXT "$1")\n[ -z "$c" ] && c=default\nexec aws eks get-token --cluster-name "$c"',
    'c=$(dig +short TXT "$1")\nexec aws eks get-token --cluster-name "prefix-$c"',
    'exec aws eks get-token --cluster-name `cat name`',
  ];
  for (const body of refused) {
    const reason = evaluateWrapperScript(`#!/bin/sh\n${body}\n`, ['eks.example.com']);
    assert.equal(typeof reason, 'string', body);
  }
  assert.equal(
    evaluateWrapperScript('#!/usr/bin/python3\nexec aws eks get-token "$@"\n', []),
    'it is not a sh or bash script',
  );
  assert.equal(evaluateWrapperScript('#!/bin/sh\nexec kubelogin get-token "$@"\n', []), undefined);
  assert.equal(evaluateWrapperScript('\u007fELF\u0002\u0001', []), undefined);
});
