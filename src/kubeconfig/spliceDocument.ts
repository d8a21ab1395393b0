import { type Document, isCollection, isMap, isPair, isScalar, type Node, type ToStringOptions } from 'yaml';
import { SpliceEdits } from './SpliceEdits.js';
import { isRewrittenWhole, type NodeSnapshot, snapshotsOf } from './snapshotDocument.js';

/**
 * The document as text: `original` with only the changed nodes' text replaced and new items
 * inserted, so every other byte (comments, spacing, quoting, anchors, line ends) stays as it was.
 * Falls back to a full rendering for a document that was not snapshotted.
 */
export function spliceDocument(doc: Document, original: string, options: ToStringOptions): string {
  const snaps = snapshotsOf(doc);
  const root = doc.contents;
  if (!snaps || !root?.range || !snaps.has(root)) return doc.toString(options);
  const edits = new SpliceEdits(original, options);
  spliceChanges({ snaps, edits }, root, undefined, false);
  return edits.apply();
}

// Compares `node` with its snapshot and has `edits` write only what changed, so the rest of the
// text stays. `key`: the pair whose value `node` is (its column places a block value on the next
// lines); `inFlow`: inside a flow collection, where only flow text may go.
function spliceChanges(
  at: { snaps: WeakMap<Node, NodeSnapshot>; edits: SpliceEdits },
  node: Node,
  key: Node | undefined,
  inFlow: boolean,
): void {
  const snap = at.snaps.get(node);
  if (!snap || !node.range) return;
  if (isRewrittenWhole(node)) {
    at.edits.replace(node, node, key, inFlow);
    return;
  }
  if ('value' in snap) {
    if (isScalar(node) && (snap.value !== node.value || snap.type !== node.type))
      at.edits.replace(node, node, key, inFlow);
    return;
  }
  if (!isCollection(node)) return;
  // A map keeps its structure when the same pairs hold the same keys; a value set anew is
  // replaced on its own.
  const stride = isMap(node) ? 3 : 1;
  const now = isMap(node) ? node.items.flatMap((p) => [p, p.key, p.value]) : node.items;
  const kept = snap.items.every((item, i) => {
    if (stride === 1 || i % 3 !== 2 || now[i] === item) return now[i] === item;
    return (item as Node | null)?.range !== undefined && now[i] !== null && now[i] !== undefined;
  });
  if (!kept || (snap.items.length === 0 && now.length > 0)) {
    at.edits.replace(node, node, key, inFlow, snap.items.length === 0);
    return;
  }
  const flow = inFlow || Boolean(node.flow);
  node.items.forEach((item, i) => {
    if (i >= snap.items.length / stride) return;
    if (!isPair(item)) {
      spliceChanges(at, item as Node, undefined, flow);
      return;
    }
    const before = snap.items[i * 3 + 2] as Node | null;
    const value = item.value as Node | null;
    if (value === before) {
      if (value) spliceChanges(at, value, item.key as Node, flow);
    } else if (before && value) at.edits.replace(before, value, item.key as Node, flow);
  });
  const added = node.items.slice(snap.items.length / stride);
  if (added.length > 0) at.edits.insert(node, added, flow);
}
