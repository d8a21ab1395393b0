import { basename } from 'node:path';
import { literalOf, shellTokens, type WordPart } from './shellTokens.js';

const LOOKUPS = new Set(['dig', 'host', 'nslookup', 'drill']);
const FILTERS = new Set(['tr', 'head', 'tail', 'cut', 'awk', 'sed', 'grep', 'xargs', 'sort']);
const TYPE_FLAG = /^-(?:type=|querytype=|query=|qt=|q=|t)(.*)$/i;

/**
 * The name a command substitution looks up the TXT record of: `dig`, `host`, `nslookup` or `drill`
 * asking the resolver's servers for one word's TXT record (`nameOf` tells the word's value),
 * optionally piped through text filters (`tr`, `head`, `cut`, `awk`, ...); else why not.
 */
export function txtLookupName(
  text: string,
  nameOf: (word: WordPart[]) => string | undefined,
): { name: string } | { reason: string } {
  const tokens = shellTokens(text);
  const stages: WordPart[][][] = [[]];
  for (const token of tokens ?? []) {
    if ('word' in token) stages.at(-1)?.push(token.word);
    else if (token.op === '|') stages.push([]);
    else return { reason: `it runs $(${text}), which eks-token does not follow` };
  }
  const [query, ...filters] = stages;
  const tool = literalOf(query?.[0]);
  if (!tokens || !query || !tool || !LOOKUPS.has(basename(tool)))
    return { reason: `it runs $(${text}), which eks-token does not follow` };
  for (const filter of filters) {
    const name = literalOf(filter[0]);
    if (!name || !FILTERS.has(name) || filter.some((w) => literalOf(w) === undefined))
      return {
        reason: `it pipes the lookup through ${name ?? 'a computed command'}, which eks-token does not follow`,
      };
  }
  let type: string | undefined;
  let name: string | undefined;
  const words = query.slice(1);
  for (let i = 0; i < words.length; i++) {
    const literal = literalOf(words[i]);
    if (literal === undefined) {
      if (name !== undefined) return { reason: `${tool} looks up more than one name` };
      name = nameOf(words[i] ?? []);
      if (name === undefined) return { reason: `${tool} looks up a computed name` };
      continue;
    }
    const flag = TYPE_FLAG.exec(literal);
    if (flag) type = flag[1] || literalOf(words[++i]);
    else if (/^txt$/i.test(literal)) type = 'TXT';
    // Its own server would be asked instead of the resolver's; eks-token takes it as --dns-server.
    else if (literal.startsWith('@'))
      return { reason: `${tool} asks ${literal}; give eks-token the server with --dns-server` };
    else if (!/^(?:[-+].*|IN)$/i.test(literal))
      return { reason: `${tool} is given ${literal}, which eks-token does not follow` };
  }
  if (type?.toUpperCase() !== 'TXT' || name === undefined)
    return { reason: `${tool} does not look up the TXT record of an argument` };
  return { name };
}
