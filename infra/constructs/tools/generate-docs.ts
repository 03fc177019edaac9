/**
 * Reference docs of the constructs, generated from the code (the terraform-docs of this project).
 *
 * Reads `src/` with the TypeScript compiler API: for every exported construct class, its JSDoc
 * summary and example, its props interface (own and inherited fields, types, `@default`s) and its
 * public readonly outputs; then every other exported interface used by props. Writes one Markdown
 * file per construct to `infra/docs/`, plus an index.
 *
 *   node --import tsx tools/generate-docs.ts          # write infra/docs/
 *   node --import tsx tools/generate-docs.ts --check  # exit 1 when infra/docs/ is stale
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir = path.join(packageDir, 'src');
export const DOCS_DIR = path.resolve(packageDir, '..', 'docs');

interface Field {
  readonly name: string;
  readonly type: string;
  readonly optional: boolean;
  readonly description: string;
  readonly defaultValue?: string;
}

interface ConstructDoc {
  readonly name: string;
  readonly file: string;
  readonly summary: string;
  readonly examples: string[];
  readonly propsName?: string;
  readonly props: Field[];
  readonly outputs: Field[];
}

function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

function commentText(parts: string | readonly ts.JSDocComment[] | undefined): string {
  if (parts === undefined) return '';
  if (typeof parts === 'string') return parts.trim();
  return parts.map((p) => p.text).join('').trim();
}

function jsDocOf(node: ts.Node): { summary: string; tags: Map<string, string[]> } {
  const docs = (node as { jsDoc?: ts.JSDoc[] }).jsDoc ?? [];
  const last = docs[docs.length - 1];
  const tags = new Map<string, string[]>();
  for (const tag of last?.tags ?? []) {
    const name = tag.tagName.text;
    tags.set(name, [...(tags.get(name) ?? []), commentText(tag.comment)]);
  }
  return { summary: commentText(last?.comment), tags };
}

function typeText(declaration: ts.Declaration, checker: ts.TypeChecker): string {
  const typed = declaration as ts.PropertySignature | ts.PropertyDeclaration;
  if (typed.type) return typed.type.getText().replace(/\s+/g, ' ');
  return checker.typeToString(checker.getTypeAtLocation(declaration));
}

function fieldsOf(type: ts.Type, checker: ts.TypeChecker, keep: (declaration: ts.Declaration) => boolean): Field[] {
  return checker.getPropertiesOfType(type).flatMap((symbol) => {
    const declaration = symbol.declarations?.[0];
    if (!declaration || !keep(declaration)) return [];
    const { summary, tags } = jsDocOf(declaration);
    const optional = (symbol.flags & ts.SymbolFlags.Optional) !== 0;
    return [{ name: symbol.name, type: typeText(declaration, checker), optional, description: summary.replace(/\s*\n\s*/g, ' '), defaultValue: tags.get('default')?.[0] }];
  });
}

function inSource(declaration: ts.Declaration): boolean {
  return path.resolve(declaration.getSourceFile().fileName).startsWith(sourceDir + path.sep);
}

function isPublicReadonly(declaration: ts.Declaration): boolean {
  if (!ts.isPropertyDeclaration(declaration)) return false;
  const modifiers = ts.getCombinedModifierFlags(declaration);
  return (modifiers & ts.ModifierFlags.Readonly) !== 0 && (modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) === 0;
}

function extendsConstruct(type: ts.Type, checker: ts.TypeChecker): boolean {
  for (let current: ts.Type | undefined = type; current; ) {
    if (current.getSymbol()?.getName() === 'Construct') return true;
    const bases: ts.BaseType[] = current.isClassOrInterface() ? checker.getBaseTypes(current) : [];
    current = bases[0];
  }
  return false;
}

/** Reads the constructs and their props from `src/`. */
export function readConstructDocs(): { constructs: ConstructDoc[]; types: Array<{ name: string; file: string; summary: string; fields: Field[] }> } {
  const files = readdirSync(sourceDir).filter((f) => f.endsWith('.ts')).map((f) => path.join(sourceDir, f));
  const program = ts.createProgram(files, { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true, noEmit: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const constructs: ConstructDoc[] = [];
  const propsNames = new Set<string>();
  const interfaces: Array<{ name: string; file: string; node: ts.InterfaceDeclaration }> = [];

  for (const file of files.sort()) {
    const source = program.getSourceFile(file)!;
    for (const statement of source.statements) {
      const exported = ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
      if (!exported) continue;
      if (ts.isInterfaceDeclaration(statement)) interfaces.push({ name: statement.name.text, file: path.basename(file), node: statement });
      if (!ts.isClassDeclaration(statement) || !statement.name) continue;
      const classType = checker.getTypeAtLocation(statement);
      if (!extendsConstruct(classType, checker)) continue;
      const { summary, tags } = jsDocOf(statement);
      const constructor = statement.members.find(ts.isConstructorDeclaration);
      const propsParameter = constructor?.parameters[2];
      const propsType = propsParameter ? checker.getTypeAtLocation(propsParameter) : undefined;
      const propsName = propsParameter?.type?.getText();
      if (propsName) propsNames.add(propsName);
      constructs.push({
        name: statement.name.text,
        file: path.basename(file),
        summary,
        examples: tags.get('example') ?? [],
        propsName,
        props: propsType ? fieldsOf(propsType, checker, inSource) : [],
        outputs: fieldsOf(classType, checker, (d) => inSource(d) && isPublicReadonly(d)),
      });
    }
  }
  const types = interfaces
    .filter((i) => !propsNames.has(i.name) && !i.name.endsWith('Props'))
    .filter((i) => !['SynthesizedStack'].includes(i.name))
    .map((i) => ({ name: i.name, file: i.file, summary: jsDocOf(i.node).summary, fields: fieldsOf(checker.getTypeAtLocation(i.node), checker, inSource) }))
    .filter((i) => i.fields.length > 0);
  return { constructs: constructs.sort((a, b) => a.name.localeCompare(b.name)), types: types.sort((a, b) => a.name.localeCompare(b.name)) };
}

const firstSentence = (text: string) => (text.split(/\n\s*\n/)[0] ?? '').split(/(?<=[.:])\s/)[0]!.replace(/:$/, '.');
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function fieldTable(fields: Field[], withDefaults: boolean): string {
  if (fields.length === 0) return '_None._\n';
  const header = withDefaults ? '| Name | Type | Required | Default | Description |\n|---|---|---|---|---|' : '| Name | Type | Description |\n|---|---|---|';
  const rows = fields.map((f) =>
    withDefaults
      ? `| \`${f.name}\` | \`${cell(f.type)}\` | ${f.optional ? 'no' : 'yes'} | ${f.defaultValue ? cell(f.defaultValue) : f.optional ? '-' : ''} | ${cell(f.description)} |`
      : `| \`${f.name}\` | \`${cell(f.type)}\` | ${cell(f.description)} |`,
  );
  return `${header}\n${rows.join('\n')}\n`;
}

function exampleBlock(example: string): string {
  const lines = example.split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  return `\`\`\`ts\n${lines.map((l) => l.slice(indent)).join('\n').trim()}\n\`\`\`\n`;
}

const GENERATED = '<!-- Generated by infra/constructs/tools/generate-docs.ts from the TypeScript sources. Do not edit; run `npm run docs -w @stack/constructs`. -->';

/** The Markdown files of `infra/docs/`, by file name. */
export function renderDocs(): Map<string, string> {
  const { constructs, types } = readConstructDocs();
  const docs = new Map<string, string>();
  for (const c of constructs) {
    const parts = [
      GENERATED,
      '',
      `# ${c.name}`,
      '',
      `Source: [\`infra/constructs/src/${c.file}\`](../constructs/src/${c.file})`,
      '',
      c.summary,
      '',
      `## Props${c.propsName ? ` (\`${c.propsName}\`)` : ''}`,
      '',
      fieldTable(c.props, true),
      '## Outputs',
      '',
      fieldTable(c.outputs, false),
    ];
    if (c.examples.length > 0) parts.push('## Example', '', ...c.examples.map(exampleBlock));
    docs.set(`${kebab(c.name)}.md`, `${parts.join('\n').replace(/\n{3,}/g, '\n\n').trim()}\n`);
  }
  const typeDocs = types.map((t) => [`## ${t.name}`, '', `Source: \`${t.file}\``, '', t.summary, '', fieldTable(t.fields, true)].join('\n'));
  docs.set('types.md', `${[GENERATED, '', '# Supporting types', '', 'Interfaces used by construct props.', '', ...typeDocs].join('\n').replace(/\n{3,}/g, '\n\n').trim()}\n`);
  const index = [
    GENERATED,
    '',
    '# Construct reference',
    '',
    '| Construct | Purpose |',
    '|---|---|',
    ...constructs.map((c) => `| [${c.name}](${kebab(c.name)}.md) | ${cell(firstSentence(c.summary))} |`),
    '',
    'Supporting types: [types.md](types.md).',
  ];
  docs.set('README.md', `${index.join('\n')}\n`);
  return docs;
}

/** File names under `infra/docs/` whose content differs from the generated docs (or are missing or extra). */
export function staleDocs(): string[] {
  const expected = renderDocs();
  const present = existsSync(DOCS_DIR) ? readdirSync(DOCS_DIR).filter((f) => f.endsWith('.md')) : [];
  const stale = [...expected].filter(([name, content]) => !existsSync(path.join(DOCS_DIR, name)) || readFileSync(path.join(DOCS_DIR, name), 'utf8') !== content).map(([name]) => name);
  return [...stale, ...present.filter((name) => !expected.has(name))].sort();
}

function writeDocs(): void {
  const docs = renderDocs();
  mkdirSync(DOCS_DIR, { recursive: true });
  for (const name of readdirSync(DOCS_DIR).filter((f) => f.endsWith('.md') && !docs.has(f))) rmSync(path.join(DOCS_DIR, name));
  for (const [name, content] of docs) writeFileSync(path.join(DOCS_DIR, name), content);
  console.log(`wrote ${docs.size} files to ${path.relative(process.cwd(), DOCS_DIR) || DOCS_DIR}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const stale = staleDocs();
    if (stale.length > 0) {
      console.error(`infra/docs is stale (${stale.join(', ')}): run npm run docs -w @stack/constructs`);
      process.exit(1);
    }
    console.log('infra/docs is up to date');
  } else {
    writeDocs();
  }
}
