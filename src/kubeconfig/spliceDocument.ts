import {
  Document,
  isCollection,
  isMap,
  isPair,
  isScalar,
  type Node,
  type ToStringOptions,
  visit,
  YAMLMap,
  YAMLSeq,
} from 'yaml';

type Snap = { items: unknown[] } | { value: unknown; type: string | undefined };

const snapshots = new WeakMap<Document, WeakMap<Node, Snap>>();
const rewrite = new WeakSet<Node>();

/** Remembers a freshly parsed document's nodes, so spliceDocument can tell what changed since. */
export function snapshotDocument(doc: Document): void {
  const snaps = new WeakMap<Node, Snap>();
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

interface Edit {
  start: number;
  end: number;
  text: string;
}

/**
 * The document as text: `original` with only the changed nodes' text replaced and new items
 * inserted, so every other byte (comments, spacing, quoting, anchors, line ends) stays as it was.
 * Falls back to a full rendering for a document that was not snapshotted.
 */
export function spliceDocument(doc: Document, original: string, options: ToStringOptions): string {
  const snaps = snapshots.get(doc);
  const root = doc.contents;
  if (!snaps || !root?.range || !snaps.has(root)) return doc.toString(options);
  const splicer = new Splicer(original, snaps, options);
  splicer.visit(root, undefined);
  let text = original;
  // From the end, so offsets stay valid; at one offset the inner (earlier found) insert comes first.
  const edits = splicer.edits.map((edit, i) => ({ ...edit, i }));
  for (const edit of edits.sort((a, b) => b.start - a.start || b.i - a.i)) {
    const body = original.includes('\r\n') ? edit.text.replace(/\r?\n/g, '\r\n') : edit.text;
    text = text.slice(0, edit.start) + body + text.slice(edit.end);
  }
  return text;
}

class Splicer {
  readonly edits: Edit[] = [];
  constructor(
    private readonly text: string,
    private readonly snaps: WeakMap<Node, Snap>,
    private readonly options: ToStringOptions,
  ) {}

  /** `key`: the pair whose value `node` is (its column places a block value on the next lines). */
  visit(node: Node, key: Node | undefined): void {
    const snap = this.snaps.get(node);
    if (!snap || !node.range) return;
    if (rewrite.has(node)) {
      this.replace(node, node, key);
      return;
    }
    if ('value' in snap) {
      if (isScalar(node) && (snap.value !== node.value || snap.type !== node.type))
        this.replace(node, node, key);
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
    if (!kept || (node.flow && now.length > snap.items.length)) {
      this.replace(node, node, key);
      return;
    }
    node.items.forEach((item, i) => {
      if (i >= snap.items.length / stride) return;
      if (!isPair(item)) {
        this.visit(item as Node, undefined);
        return;
      }
      const before = snap.items[i * 3 + 2] as Node | null;
      const value = item.value as Node | null;
      if (value === before) {
        if (value) this.visit(value, item.key as Node);
      } else if (before && value) this.replace(before, value, item.key as Node);
    });
    const added = node.items.slice(snap.items.length / stride);
    if (added.length > 0) this.insert(node, added);
  }

  // Replaces `old`'s text with `node` rendered in its place.
  private replace(old: Node, node: Node, key: Node | undefined): void {
    const [start, end] = old.range as [number, number, number];
    const block = isCollection(node) && !node.flow && node.items.length > 0;
    const oldBlock = isCollection(old) && !old.flow;
    const rendered = this.render(node);
    if (oldBlock || !key?.range) {
      // At the node's own column: the first line is in place, the others are indented to it.
      const column = this.column(start);
      const lines = rendered.replace(/\n$/, '').split('\n');
      const text = lines.map((line, i) => (i === 0 || line === '' ? line : ' '.repeat(column) + line));
      const newline = this.text.slice(start, end).endsWith('\n') ? '\n' : '';
      this.edits.push({ start, end, text: text.join('\n') + newline });
      return;
    }
    // A value on its key's line: from just after the colon.
    let from = start;
    while (from > 0 && (this.text[from - 1] === ' ' || this.text[from - 1] === '\t')) from--;
    if (!block) {
      this.edits.push({ start: from, end, text: ` ${rendered.replace(/\n$/, '')}` });
      return;
    }
    const indent = this.column(key.range[0]) + (isMap(node) || this.options.indentSeq ? 2 : 0);
    const lines = rendered.replace(/\n$/, '').split('\n');
    const text = lines.map((line) => (line === '' ? line : ' '.repeat(indent) + line)).join('\n');
    this.edits.push({ start: from, end, text: `\n${text}` });
  }

  // New items or pairs after the last one of a block collection, at its column.
  private insert(node: YAMLMap | YAMLSeq, added: unknown[]): void {
    const [start, end] = node.range as [number, number, number];
    const fresh = isMap(node) ? new YAMLMap() : new YAMLSeq();
    fresh.items = added as never[];
    const column = this.column(start);
    const lines = this.render(fresh).replace(/\n$/, '').split('\n');
    const text = lines.map((line) => (line === '' ? line : ' '.repeat(column) + line)).join('\n');
    const atLineStart = end === 0 || this.text[end - 1] === '\n';
    this.edits.push({ start: end, end, text: `${atLineStart ? '' : '\n'}${text}\n` });
  }

  private render(node: unknown): string {
    const doc = new Document(undefined, { version: '1.1' });
    doc.contents = node as Node;
    return doc.toString(this.options);
  }

  private column(offset: number): number {
    return offset - (this.text.lastIndexOf('\n', offset - 1) + 1);
  }
}
