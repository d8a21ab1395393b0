import {
  Document,
  isCollection,
  isMap,
  isPair,
  type Node,
  type ToStringOptions,
  YAMLMap,
  YAMLSeq,
} from 'yaml';

/** One replacement of the original text: `start` to `end` becomes `text`. */
export interface SpliceEdit {
  start: number;
  end: number;
  text: string;
}

/**
 * The edits that write changed nodes into a document's original text: a node in place of the old
 * one's text, new items after the last; every byte outside them stays.
 */
export class SpliceEdits {
  private readonly edits: SpliceEdit[] = [];
  constructor(
    private readonly text: string,
    private readonly options: ToStringOptions,
  ) {}

  /** The original text with every edit made, in the file's line ends. */
  apply(): string {
    let text = this.text;
    // From the end, so offsets stay valid; at one offset the inner (earlier found) insert comes first.
    const edits = this.edits.map((edit, i) => ({ ...edit, i }));
    for (const edit of edits.sort((a, b) => b.start - a.start || b.i - a.i)) {
      const body = this.text.includes('\r\n') ? edit.text.replace(/\r?\n/g, '\r\n') : edit.text;
      text = text.slice(0, edit.start) + body + text.slice(edit.end);
    }
    return text;
  }

  /** Replaces `old`'s text with `node` rendered in its place. */
  replace(old: Node, node: Node, key: Node | undefined, inFlow: boolean, wasEmpty = false): void {
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

  /** New items or pairs after the last one: `, ...` in a flow collection, lines at its column in a block one. */
  insert(node: YAMLMap | YAMLSeq, added: unknown[], inFlow: boolean): void {
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
