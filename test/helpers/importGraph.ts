import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import ts from 'typescript';

/** One import of a source file, as the TypeScript parser sees it. */
export interface SourceImport {
  from: string;
  specifier: string;
  /** Project path of the target (.ts), or undefined for packages, built-ins and what does not resolve. */
  target: string | undefined;
  kind: 'static' | 'type' | 'dynamic';
}

/** The TypeScript sources under `dirs` of `root`, by project path (e.g. `daemon/TokenDaemon.ts`). */
export function readSources(root: string, dirs: string[]): Map<string, string> {
  const sources = new Map<string, string>();
  for (const dir of dirs) {
    for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !/\.(c|m)?ts$/.test(entry.name) || entry.name.endsWith('.d.ts')) continue;
      const path = posix.join(entry.parentPath.slice(root.length).replace(/^\/+/, ''), entry.name);
      sources.set(path, readFileSync(join(root, path), 'utf8'));
    }
  }
  return sources;
}

/** Every import of one file: declarations, re-exports, `import type`, import() calls and import types. */
export function importsOf(path: string, text: string, known: ReadonlySet<string>): SourceImport[] {
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: SourceImport[] = [];
  const add = (specifier: string, kind: SourceImport['kind']) =>
    found.push({ from: path, specifier, target: resolve(path, specifier, known), kind });
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly =
        node.importClause?.isTypeOnly === true ||
        (node.importClause !== undefined &&
          !node.importClause.name &&
          node.importClause.namedBindings !== undefined &&
          ts.isNamedImports(node.importClause.namedBindings) &&
          node.importClause.namedBindings.elements.every((e) => e.isTypeOnly));
      add(node.moduleSpecifier.text, typeOnly ? 'type' : 'static');
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node.moduleSpecifier.text, node.isTypeOnly ? 'type' : 'static');
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      // A computed specifier cannot be checked (nor bundled): recorded as such.
      add(arg && ts.isStringLiteralLike(arg) ? arg.text : `<computed: ${arg?.getText(file)}>`, 'dynamic');
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      add(node.argument.literal.text, 'type');
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

// `./x.js` from `plugin/main.ts` is `plugin/x.ts` (NodeNext: the specifier names the emitted file).
function resolve(from: string, specifier: string, known: ReadonlySet<string>): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const joined = posix.normalize(posix.join(posix.dirname(from), specifier));
  for (const candidate of [joined.replace(/\.(c|m)?js$/, '.$1ts'), joined])
    if (known.has(candidate)) return candidate;
  return undefined;
}

/** The import cycles among `imports` (type-only imports included), each as the paths around it. */
export function findCycles(imports: SourceImport[]): string[][] {
  const edges = new Map<string, string[]>();
  for (const i of imports) if (i.target) edges.set(i.from, [...(edges.get(i.from) ?? []), i.target]);
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const walk = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) walk(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...edges.keys()].sort()) if (!state.has(node)) walk(node);
  return cycles;
}

// Parsed files by path and text: the self-checks change one file of the tree at a time.
const parsed = new Map<string, SourceImport[]>();

/**
 * Every broken rule of the layout: daemon/ never imports plugin/, src/ imports neither, no import
 * cycles (type-only included) among files or among src/'s concept folders, every import() names a
 * source file (each is a bundle boundary).
 */
export function architectureViolations(sources: Map<string, string>): string[] {
  const known = new Set(sources.keys());
  const imports = [...sources].flatMap(([path, text]) => {
    const key = `${path}\0${text}`;
    const found = parsed.get(key) ?? importsOf(path, text, known);
    parsed.set(key, found);
    return found;
  });
  const problems: string[] = [];
  const top = (path: string) => path.split('/')[0];
  for (const i of imports) {
    const where = `${i.from} imports ${i.specifier}`;
    if (i.kind === 'dynamic' && !i.target) problems.push(`${where}: import() of something not a source file`);
    else if (i.specifier.startsWith('.') && !i.target) problems.push(`${where}: not a source file`);
    if (!i.target) continue;
    if (top(i.from) === 'daemon' && top(i.target) === 'plugin')
      problems.push(`${where}: daemon/ uses plugin/`);
    if (top(i.from) === 'src' && top(i.target) !== 'src')
      problems.push(`${where}: src/ uses ${top(i.target)}/`);
  }
  for (const cycle of findCycles(imports)) problems.push(`import cycle: ${cycle.join(' -> ')}`);
  // Concept folders under src/ depend one way too: a file cycle can hide in a folder-level one.
  const folder = (path: string) => path.split('/').slice(0, 2).join('/');
  const folderEdges = new Map<string, SourceImport>();
  for (const i of imports) {
    if (!i.target || top(i.from) !== 'src' || top(i.target) !== 'src') continue;
    const [from, target] = [folder(i.from), folder(i.target)];
    if (from !== target) folderEdges.set(`${from}>${target}`, { ...i, from, target });
  }
  for (const cycle of findCycles([...folderEdges.values()]))
    problems.push(`folder cycle: ${cycle.join(' -> ')}`);
  return problems;
}

/** The names a file exports: declarations marked `export` and `export { ... }` lists. */
export function exportsOf(path: string, text: string): string[] {
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const names: string[] = [];
  for (const node of file.statements) {
    const exported =
      ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (ts.isExportDeclaration(node) && node.exportClause && ts.isNamedExports(node.exportClause))
      names.push(...node.exportClause.elements.map((e) => e.name.text));
    if (!exported) continue;
    if (ts.isVariableStatement(node))
      for (const d of node.declarationList.declarations) if (ts.isIdentifier(d.name)) names.push(d.name.text);
    if (
      (ts.isFunctionDeclaration(node) ||
        ts.isClassDeclaration(node) ||
        ts.isInterfaceDeclaration(node) ||
        ts.isTypeAliasDeclaration(node) ||
        ts.isEnumDeclaration(node)) &&
      node.name
    )
      names.push(node.name.text);
  }
  return names;
}

// HELP is help.ts, KNOWN_REGIONS is knownRegions.ts.
const fileNameOf = (name: string): string =>
  /^[A-Z0-9_]+$/.test(name)
    ? name.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())
    : name;

/**
 * Files not named after one of their exports (a constant's name in camelCase counts). Exempt: the
 * entry points, named by role (`main.ts`, `cli.ts`); a file without exports must be one.
 */
export function namingViolations(sources: Map<string, string>): string[] {
  const problems: string[] = [];
  for (const [path, text] of sources) {
    const base = posix.basename(path).replace(/\.(c|m)?ts$/, '');
    if (base === 'main' || base === 'cli') continue;
    const names = exportsOf(path, text);
    if (!names.some((name) => fileNameOf(name) === base))
      problems.push(`${path} is named after none of its exports (${names.join(', ') || 'none'})`);
  }
  return problems;
}

/** Files of src/protocol/ that plugin/ or daemon/ does not reach: a side's own wire code lives with it. */
export function protocolSideViolations(sources: Map<string, string>): string[] {
  const known = new Set(sources.keys());
  const edges = new Map<string, string[]>();
  for (const [path, text] of sources)
    edges.set(
      path,
      importsOf(path, text, known).flatMap((i) => (i.target ? [i.target] : [])),
    );
  const reached = (top: string): Set<string> => {
    const seen = new Set<string>();
    const visit = (path: string): void => {
      if (seen.has(path)) return;
      seen.add(path);
      for (const next of edges.get(path) ?? []) visit(next);
    };
    for (const path of known) if (path.startsWith(`${top}/`)) visit(path);
    return seen;
  };
  const [plugin, daemon] = [reached('plugin'), reached('daemon')];
  const problems: string[] = [];
  for (const path of known) {
    if (!path.startsWith('src/protocol/')) continue;
    if (!plugin.has(path)) problems.push(`${path}: only daemon/ uses it; move it to daemon/`);
    if (!daemon.has(path)) problems.push(`${path}: only plugin/ uses it; move it to plugin/`);
  }
  return problems;
}
