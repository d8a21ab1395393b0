import type { PreparedLine } from './PreparedLines.js';
import type { ServedToken } from './ServedToken.js';

/**
 * A hit's answer line, rendered and encoded once per token and form: every later hit sends the same
 * bytes, with no JSON or UTF-8 encoding per request. Held as long as its token is.
 */
export class HitLines {
  private readonly lines = new WeakMap<ServedToken, Map<string, Buffer>>();

  /** The answer line for a cached token in the request's form. */
  lineFor(served: ServedToken, answer: PreparedLine['answer']): Buffer {
    let lines = this.lines.get(served);
    if (lines === undefined) {
      lines = new Map();
      this.lines.set(served, lines);
    }
    let line = lines.get(answer.renderKey);
    if (line === undefined) {
      line = Buffer.from(answer.render(served, true));
      lines.set(answer.renderKey, line);
    }
    return line;
  }
}
