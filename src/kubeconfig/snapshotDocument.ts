import { type Document, type Node, visit } from 'yaml';

/** What a node held when its document was parsed: a collection's items (a map's pairs, keys and values), a scalar's value and style. */
export type NodeSnapshot = { items: unknown[] } | { value: unknown; type: string | undefined };

// Weak maps beside the document, not in it: nothing of them is ever written out, and they go with it.
const snapshots = new WeakMap<Document, WeakMap<Node, NodeSnapshot>>();
const rewrite = new WeakSet<Node>();

/** Remembers a freshly parsed document's nodes, so spliceDocument can tell what changed since. */
export function snapshotDocument(doc: Document): void {
  const snaps = new WeakMap<Node, NodeSnapshot>();
  visit(doc, {
    Scalar(_, node) {
      snaps.set(node, { value: node.value, type: node.type });
    },
    Map(_, node) {
      snaps.set(node, { items: node.items.flatMap((p) => [p, p.key, p.value]) });
    },
    Seq(_, node) {
      snaps.set(node, { items: [...node.items] });
    },
  });
  snapshots.set(doc, snaps);
}

/** Marks a node to be written out whole by spliceDocument, even where a smaller edit would do. */
export function rewriteWhole(node: Node): void {
  rewrite.add(node);
}

/** The snapshot snapshotDocument took of a document's nodes; undefined for a document it never saw. */
export function snapshotsOf(doc: Document): WeakMap<Node, NodeSnapshot> | undefined {
  return snapshots.get(doc);
}

/** Whether rewriteWhole marked the node. */
export function isRewrittenWhole(node: Node): boolean {
  return rewrite.has(node);
}
