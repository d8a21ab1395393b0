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
  splicer.visit(root, undefined, false);
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

  /**
   * `key`: the pair whose value `node` is (its column places a block value on the next lines);
   * `inFlow`: inside a flow collection, where only flow text may go.
   */
  visit(node: Node, key: Node | undefined, inFlow: boolean): void {
    const snap = this.snaps.get(node);
    if (!snap || !node.range) return;
    if (rewrite.has(node)) {
      this.replace(node, node, key, inFlow);
      return;
    }
    if ('value' in snap) {
      if (isScalar(node) && (snap.value !== node.value || snap.type !== node.type))
        this.replace(node, node, key, inFlow);
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
      this.replace(node, node, key, inFlow, snap.items.length === 0);
      return;
    }
    const flow = inFlow || Boolean(node.flow);
    node.items.forEach((item, i) => {
      if (i >= snap.items.length / stride) return;
      if (!isPair(item)) {
        this.visit(item as Node, undefined, flow);
        return;
      }
      const before = snap.items[i * 3 + 2] as Node | null;
      const value = item.value as Node | null;
      if (value === before) {
        if (value) this.visit(value, item.key as Node, flow);
      } else if (before && value) this.replace(before, value, item.key as Node, flow);
    });
    const added = node.items.slice(snap.items.length / stride);
    if (added.length > 0) this.insert(node, added, flow);
  }

  // Replaces `old`'s text with `node` rendered in its place.
  private replace(old: Node, node: Node, key: Node | undefined, inFlow: boolean, wasEmpty = false): void {
    const [start, end] = old.range as [number, number, number];
    const oldBlock = isCollection(old) && !old.flow;
    // In a flow collection only flow text fits; an empty `[]` in a block one becomes a block list.
    if (isCollection(node)) {
      const emptyFlow =
        isCollection(old) && old.flow && (wasEmpty || (old !== node && old.items.length === 0));
      if (inFlow) node.flow = true;
      else if (emptyFlow && key?.range) node.flow = false;
    }
    const block = isCollection(node) && !node.flow && node.items.length > 0;
    const rendered = this.render(node, inFlow);
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

  // New items or pairs after the last one: `, ...` in a flow collection, lines at its column in a block one.
  private insert(node: YAMLMap | YAMLSeq, added: unknown[], inFlow: boolean): void {
    const fresh = isMap(node) ? new YAMLMap() : new YAMLSeq();
    fresh.items = added as never[];
    fresh.flow = inFlow;
    const rendered = this.render(fresh, inFlow).trim();
    if (inFlow) {
      const items = rendered.slice(1, -1).trim();
      // A multi-line flow list (JSON) gets its own line before the first item, so no line changes.
      const first = node.items[0];
      const at = ((isPair(first) ? first.key : first) as Node | undefined)?.range?.[0];
      if (at !== undefined && /^[ \t]*$/.test(this.text.slice(this.text.lastIndexOf('\n', at - 1) + 1, at))) {
        this.edits.push({ start: at, end: at, text: `${items},\n${' '.repeat(this.column(at))}` });
        return;
      }
      const last = node.items[node.items.length - added.length - 1];
      const lastNode = (isPair(last) ? (last.value ?? last.key) : last) as Node | undefined;
      const end = lastNode?.range?.[1] ?? (node.range as [number, number, number])[1] - 1;
      this.edits.push({ start: end, end, text: `, ${items}` });
      return;
    }
    const [start, end] = node.range as [number, number, number];
    const column = this.column(start);
    const lines = rendered.split('\n');
    const text = lines.map((line) => (line === '' ? line : ' '.repeat(column) + line)).join('\n');
    const atLineStart = end === 0 || this.text[end - 1] === '\n';
    this.edits.push({ start: end, end, text: `${atLineStart ? '' : '\n'}${text}\n` });
  }

  // The node's text alone: its own comments stay where they are in the file, outside its range.
  private render(node: Node, inFlow: boolean): string {
    const { comment, commentBefore } = node;
    node.comment = undefined;
    node.commentBefore = undefined;
    const doc = new Document(undefined, { version: '1.1' });
    doc.contents = node;
    // In a JSON file, new strings and keys are JSON strings too.
    const json = inFlow && this.text.trimStart().startsWith('{');
    const quoted = json
      ? ({ defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'QUOTE_DOUBLE' } as const)
      : {};
    const text = doc.toString({ ...this.options, ...quoted });
    node.comment = comment;
    node.commentBefore = commentBefore;
    return text;
  }

  private column(offset: number): number {
    return offset - (this.text.lastIndexOf('\n', offset - 1) + 1);
  }
}
