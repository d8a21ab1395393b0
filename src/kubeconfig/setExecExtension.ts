import { type Document, isMap, isSeq, type YAMLMap } from 'yaml';
import { type BlueGreenExtension, EXEC_EXTENSION, fromExecConfig } from './BlueGreenExtension.js';

/**
 * Sets (or, with `extension` undefined, removes) eks-token's exec extension in a cluster body,
 * leaving other extensions alone; returns true when the body had eks-token's before.
 */
export function setExecExtension(
  doc: Document,
  body: YAMLMap,
  extension: Record<string, unknown> | undefined,
): boolean {
  const list = body.get('extensions', true);
  const existing = isSeq(list)
    ? list.items.find((i) => isMap(i) && i.get('name') === EXEC_EXTENSION)
    : undefined;
  const ours = isMap(existing) && isOwn(existing);
  if (isSeq(list) && isMap(existing)) {
    // kubectl passes one exec extension: eks-token's replaces another tool's, but is the only one removed.
    if (extension) existing.set('extension', doc.createNode(extension));
    else if (ours) list.items.splice(list.items.indexOf(existing), 1);
    if (list.items.length === 0) body.delete('extensions');
    return ours;
  }
  if (!extension) return false;
  const entry = doc.createNode({ extension, name: EXEC_EXTENSION });
  if (isSeq(list)) list.add(entry);
  else body.set('extensions', doc.createNode([entry]));
  return false;
}

/** eks-token's blue/green extension in a cluster body, if it has one. */
export function readExecExtension(body: YAMLMap): BlueGreenExtension | undefined {
  const list = body.get('extensions', true);
  if (!isSeq(list)) return undefined;
  for (const item of list.items) {
    if (!isMap(item) || item.get('name') !== EXEC_EXTENSION) continue;
    const extension = fromExecConfig(toJson(item.get('extension', true)));
    if (extension) return extension;
  }
  return undefined;
}

function isOwn(item: YAMLMap): boolean {
  return fromExecConfig(toJson(item.get('extension', true))) !== undefined;
}

function toJson(node: unknown): unknown {
  return (node as { toJSON?: () => unknown } | undefined)?.toJSON?.();
}
