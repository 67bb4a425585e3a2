/**
 * A reader for devicetree source as a Zephyr build writes it (`build/zephyr/zephyr.dts`): preprocessed, one tree,
 * properties holding strings, cell lists (`< 0xc000 0x67000 >`), byte strings and `&label` references. Enough of
 * the Devicetree Specification (v0.4, chapter 6, "Devicetree Source Format") to read any such file, including
 * `&label { … }` amendments and `/delete-node/`; a file that still needs the C preprocessor is refused.
 */
import { BootproofError } from '../emulator/common/errors.ts';

/** A devicetree source that cannot be read: names the file, the line and column (0: the whole file), and what was expected. */
export class DevicetreeError extends BootproofError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    what: string,
  ) {
    super(`devicetree ${file}${line > 0 ? `:${line}:${column}` : ''}: ${what}`, { exitCode: 2 });
  }
}

export type DtValue =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'cells'; readonly cells: readonly (number | { readonly ref: string })[] }
  | { readonly kind: 'bytes'; readonly bytes: readonly number[] }
  | { readonly kind: 'ref'; readonly ref: string };

export interface DtNode {
  /** The node name without its unit address: `partition` of `partition@c000`. */
  readonly name: string;
  readonly unitAddress: string | undefined;
  readonly labels: string[];
  readonly properties: Map<string, DtValue[]>;
  readonly children: DtNode[];
  readonly parent: DtNode | undefined;
  /** Where the node was first defined, for messages. */
  readonly line: number;
}

interface Token {
  readonly text: string;
  readonly kind: 'word' | 'string' | 'punct' | 'directive';
  readonly line: number;
  readonly column: number;
}

/** Parses devicetree source. Throws DevicetreeError on anything that is not devicetree source. */
export function parseDevicetree(text: string, file: string): DtNode {
  return new Parser(tokenize(text, file), file).parse();
}

/** The full path of a node, as the devicetree names it (`/soc/flash-controller@4001e000/flash@0`). */
export function nodePath(node: DtNode): string {
  const names: string[] = [];
  for (let at: DtNode | undefined = node; at?.parent; at = at.parent) {
    names.unshift(at.unitAddress === undefined ? at.name : `${at.name}@${at.unitAddress}`);
  }
  return `/${names.join('/')}`;
}

/** Every node of the tree, depth first. */
export function* allNodes(root: DtNode): Generator<DtNode> {
  yield root;
  for (const child of root.children) yield* allNodes(child);
}

export function findLabel(root: DtNode, label: string): DtNode | undefined {
  for (const node of allNodes(root)) if (node.labels.includes(label)) return node;
  return undefined;
}

/** The strings of a string-list property (`compatible`), or [] when absent or not strings. */
export function stringsOf(node: DtNode, property: string): string[] {
  return (node.properties.get(property) ?? []).flatMap((v) => (v.kind === 'string' ? [v.value] : []));
}

/** The numbers of a cell-list property, or undefined when absent; references are not numbers. */
export function cellsOf(node: DtNode, property: string): number[] | undefined {
  const values = node.properties.get(property);
  if (!values) return undefined;
  const cells: number[] = [];
  for (const value of values) {
    if (value.kind !== 'cells') return undefined;
    for (const cell of value.cells) {
      if (typeof cell !== 'number') return undefined;
      cells.push(cell);
    }
  }
  return cells;
}

const PUNCTUATION = new Set(['{', '}', ';', '=', ',', '<', '>', '[', ']']);

function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const fail = (what: string): never => {
    throw new DevicetreeError(file, line, i - lineStart + 1, what);
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      line++;
      lineStart = ++i;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const column = i - lineStart + 1;
    if (text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) fail('a comment that never ends (expected "*/")');
      for (; i < end + 2; i++) {
        if (text[i] === '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      continue;
    }
    if (c === '#' && /^#\s*(include|define|if|ifdef|ifndef|endif|undef)\b/.test(text.slice(i, i + 12))) {
      fail('a C preprocessor directive: give the preprocessed devicetree a build writes (build/zephyr/zephyr.dts)');
    }
    if (c === '"') {
      let value = '';
      i++;
      while (text[i] !== '"') {
        if (i >= text.length || text[i] === '\n') fail('a string that never ends (expected \'"\')');
        if (text[i] === '\\') i++;
        value += text[i++];
      }
      i++;
      tokens.push({ text: value, kind: 'string', line, column });
      continue;
    }
    if (c === '/' && /^\/[a-z][a-z0-9-]*\//.test(text.slice(i, i + 24))) {
      const end = text.indexOf('/', i + 1) + 1;
      tokens.push({ text: text.slice(i, end), kind: 'directive', line, column });
      i = end;
      continue;
    }
    if (PUNCTUATION.has(c)) {
      tokens.push({ text: c, kind: 'punct', line, column });
      i++;
      continue;
    }
    // Node and property names, labels (`name:`), references (`&name`), numbers, and `/` for the root node.
    const word = /^(&\{[^}]*\}|[A-Za-z0-9_,.+*#?@&:/-]+)/.exec(text.slice(i));
    if (!word && c === '(') fail('"(": a macro or an expression, which the preprocessed build/zephyr/zephyr.dts never has');
    if (!word) fail(`unexpected character ${JSON.stringify(c)}`);
    tokens.push({ text: word![1], kind: 'word', line, column });
    i += word![1].length;
  }
  return tokens;
}

class Parser {
  private at = 0;
  private root: DtNode | undefined;

  constructor(
    private readonly tokens: Token[],
    private readonly file: string,
  ) {}

  parse(): DtNode {
    while (this.peek()) {
      const token = this.next();
      if (token.kind === 'directive' && token.text === '/dts-v1/') {
        this.expect(';');
      } else if (token.kind === 'directive' && token.text === '/memreserve/') {
        this.until(';');
      } else if (token.kind === 'directive' && token.text === '/delete-node/') {
        const target = this.next();
        this.expect(';');
        this.deleteNode(this.referenced(target), target);
      } else if (token.kind === 'word' && token.text === '/') {
        this.root ??= newNode('', undefined, token.line);
        this.body(this.root);
      } else if (token.kind === 'word' && token.text.startsWith('&')) {
        this.body(this.referenced(token));
      } else {
        this.fail(token, `expected "/dts-v1/;", the root node "/ {", or "&label {"; got ${JSON.stringify(token.text)}`);
      }
    }
    if (!this.root) throw new DevicetreeError(this.file, 1, 1, 'no root node ("/ { … };"): is this a devicetree source?');
    return this.root;
  }

  /** `{ properties and child nodes };` into `node`. */
  private body(node: DtNode): void {
    this.expect('{');
    for (;;) {
      const token = this.next();
      if (token.text === '}' && token.kind === 'punct') break;
      if (token.kind === 'directive' && (token.text === '/delete-node/' || token.text === '/delete-property/')) {
        const name = this.next();
        this.expect(';');
        if (token.text === '/delete-property/') node.properties.delete(name.text);
        else this.deleteNode(node.children.find((c) => fullName(c) === name.text || c.name === name.text), name);
        continue;
      }
      if (token.kind !== 'word') this.fail(token, `expected a property or a child node; got ${JSON.stringify(token.text)}`);
      const labels: string[] = [];
      let name = token;
      while (name.text.endsWith(':')) {
        labels.push(name.text.slice(0, -1));
        name = this.next();
        if (name.kind !== 'word') this.fail(name, `expected a node name after label "${labels.at(-1)}:"`);
      }
      const after = this.next();
      if (after.text === '{') {
        this.at--;
        const [base, unit] = name.text.split('@');
        let child = node.children.find((c) => c.name === base && c.unitAddress === unit);
        if (!child) {
          child = newNode(base, unit, name.line, node);
          node.children.push(child);
        }
        child.labels.push(...labels);
        this.body(child);
      } else if (after.text === ';') {
        node.properties.set(name.text, []);
      } else if (after.text === '=') {
        node.properties.set(name.text, this.values());
      } else {
        this.fail(after, `expected "=", ";" or "{" after ${JSON.stringify(name.text)}`);
      }
    }
    this.expect(';');
  }

  /** A property's values up to its ";". */
  private values(): DtValue[] {
    const values: DtValue[] = [];
    for (;;) {
      const token = this.next();
      if (token.kind === 'string') values.push({ kind: 'string', value: token.text });
      else if (token.text === '<') values.push({ kind: 'cells', cells: this.cells() });
      else if (token.text === '[') values.push({ kind: 'bytes', bytes: this.bytes() });
      else if (token.kind === 'word' && token.text.startsWith('&')) values.push({ kind: 'ref', ref: token.text.slice(1) });
      else this.fail(token, `expected a value ("string", <cells>, [bytes] or &label); got ${JSON.stringify(token.text)}`);
      const separator = this.next();
      if (separator.text === ';') return values;
      if (separator.text !== ',') this.fail(separator, `expected "," or ";" after a value; got ${JSON.stringify(separator.text)}`);
    }
  }

  private cells(): (number | { ref: string })[] {
    const cells: (number | { ref: string })[] = [];
    for (;;) {
      const token = this.next();
      if (token.text === '>') return cells;
      if (token.text.startsWith('&')) cells.push({ ref: token.text.slice(1) });
      else cells.push(this.number(token));
    }
  }

  private bytes(): number[] {
    const bytes: number[] = [];
    for (;;) {
      const token = this.next();
      if (token.text === ']') return bytes;
      if (!/^([0-9a-fA-F]{2})+$/.test(token.text)) this.fail(token, `expected hex bytes in [ ]; got ${JSON.stringify(token.text)}`);
      for (let i = 0; i < token.text.length; i += 2) bytes.push(Number.parseInt(token.text.slice(i, i + 2), 16));
    }
  }

  private number(token: Token): number {
    const match = /^(0x[0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)(U|UL|ULL|L|LL)?$/i.exec(token.text);
    if (!match) this.fail(token, `expected a number in < >; got ${JSON.stringify(token.text)}`);
    const digits = match![1];
    return digits.length > 1 && digits.startsWith('0') && !/^0x/i.test(digits)
      ? Number.parseInt(digits, 8)
      : Number(digits);
  }

  private referenced(token: Token): DtNode {
    if (!this.root) this.fail(token, `${token.text} before the root node`);
    const name = token.text.replace(/^&\{?|\}$/g, '');
    const node = name.startsWith('/') ? byPath(this.root!, name) : findLabel(this.root!, name);
    if (!node) this.fail(token, `no node labelled or at ${JSON.stringify(name)}`);
    return node!;
  }

  private deleteNode(node: DtNode | undefined, token: Token): void {
    if (!node?.parent) this.fail(token, `no node ${JSON.stringify(token.text)} to delete`);
    const siblings = node!.parent!.children;
    siblings.splice(siblings.indexOf(node!), 1);
  }

  private until(text: string): void {
    while (this.next().text !== text) {
      // skip
    }
  }

  private expect(text: string): void {
    const token = this.next();
    if (token.text !== text || token.kind === 'string') this.fail(token, `expected "${text}"; got ${JSON.stringify(token.text)}`);
  }

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }

  private next(): Token {
    const token = this.tokens[this.at++];
    if (!token) {
      const last = this.tokens.at(-1);
      throw new DevicetreeError(this.file, last?.line ?? 1, last?.column ?? 1, 'the file ends inside a node or property (a missing "};"?)');
    }
    return token;
  }

  private fail(token: Token, what: string): never {
    throw new DevicetreeError(this.file, token.line, token.column, what);
  }
}

function newNode(name: string, unitAddress: string | undefined, line: number, parent?: DtNode): DtNode {
  return { name, unitAddress, labels: [], properties: new Map(), children: [], parent, line };
}

function fullName(node: DtNode): string {
  return node.unitAddress === undefined ? node.name : `${node.name}@${node.unitAddress}`;
}

function byPath(root: DtNode, path: string): DtNode | undefined {
  let node: DtNode | undefined = root;
  for (const part of path.split('/').filter(Boolean)) {
    node = node?.children.find((c) => fullName(c) === part || c.name === part);
  }
  return node;
}
