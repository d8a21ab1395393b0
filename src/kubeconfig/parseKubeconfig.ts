import { type Document, isMap, parseDocument } from 'yaml';
import { EksTokenError } from '../shared/EksTokenError.js';
import { lastKeyWins } from './lastKeyWins.js';
import { snapshotDocument } from './snapshotDocument.js';
import { spliceDocument } from './spliceDocument.js';

/**
 * Parses kubeconfig text as kubectl's Go YAML reader does: YAML 1.1, a repeated key's last value
 * wins. The document remembers its nodes, so stringifyKubeconfig rewrites only what changed.
 */
export function parseKubeconfig(text: string): Document {
  const doc = parseDocument(text, { version: '1.1', keepSourceTokens: false, uniqueKeys: false });
  const error = doc.errors[0];
  if (error)
    throw new EksTokenError(
      'E_KUBECONFIG',
      `kubeconfig is not valid YAML: ${error.message.split('\n')[0]}`,
      'fix or move the file',
    );
  if (doc.contents === null) doc.contents = doc.createNode(TEMPLATE()) as unknown as typeof doc.contents;
  if (!isMap(doc.contents))
    throw new EksTokenError('E_KUBECONFIG', 'kubeconfig is not a YAML mapping', 'fix or move the file');
  lastKeyWins(doc);
  snapshotDocument(doc);
  return doc;
}

/**
 * The document as text: `originalText` with only what changed rewritten, in the file's own sequence
 * style (kubectl's unindented one for new files), never folding lines.
 */
export function stringifyKubeconfig(doc: Document, originalText = ''): string {
  const indentSeq = /^[\w-]+:[ \t]*(#.*)?\r?\n[ \t]+- /m.test(originalText);
  const options = { lineWidth: 0, indentSeq, flowCollectionPadding: /: [[{] \S/.test(originalText) };
  return spliceDocument(doc, originalText, options);
}

// kubectl's layout for a new file.
const TEMPLATE = () => ({
  apiVersion: 'v1',
  clusters: [],
  contexts: [],
  'current-context': '',
  kind: 'Config',
  preferences: {},
  users: [],
});
