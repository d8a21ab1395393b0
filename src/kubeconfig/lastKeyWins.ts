import { type Document, isMap, isScalar, type Node, visit } from 'yaml';

const hadDuplicates = new WeakSet<Node>();

/**
 * Drops every pair whose key comes again later in the same mapping, as kubectl's YAML reader does
 * (the last one wins). The dropped pairs' text stays in the file; only the document forgets them.
 */
export function lastKeyWins(doc: Document): void {
  visit(doc, {
    Map(_, map) {
      const last = new Map<string, number>();
      map.items.forEach((pair, i) => {
        last.set(keyOf(pair.key), i);
      });
      if (last.size === map.items.length) return;
      map.items = map.items.filter((pair, i) => last.get(keyOf(pair.key)) === i);
      hadDuplicates.add(map);
    },
  });
}

/** True for a mapping lastKeyWins dropped pairs from: rewriting it drops their lines too. */
export function hadDuplicateKeys(node: unknown): boolean {
  return isMap(node) && hadDuplicates.has(node);
}

function keyOf(key: unknown): string {
  return isScalar(key) ? String(key.value) : JSON.stringify(key);
}
