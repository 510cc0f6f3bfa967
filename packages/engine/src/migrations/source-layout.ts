/**
 * A small layout engine for the TypeScript the migration writer emits. Values are built as docs
 * (text, object and array literals, calls, properties) and printed the way Biome formats them with
 * the repository's settings (2 spaces, width 120, single quotes, trailing commas, a sole or last
 * object argument hugged), so a generated migration passes `biome check` untouched and reviews as
 * if a person had written it.
 */

/**
 * Biome's `lineWidth` in this repository.
 *
 * @example
 * ```ts
 * flat(doc).length <= LINE_WIDTH // fits on one line
 * ```
 */
export const LINE_WIDTH = 120

/** A piece of source to lay out. */
export type Doc = TextDoc | ListDoc | CallDoc | PropertyDoc

/** Source that never breaks: an identifier, a literal. */
export interface TextDoc {
  readonly kind: 'text'
  readonly text: string
  /** A string literal: too long after a long enough key, it moves to the next line. */
  readonly literal?: boolean
}

/** An object (`{ a: 1 }`) or array (`[1, 2]`) literal. */
export interface ListDoc {
  readonly kind: 'list'
  readonly open: '{' | '['
  readonly items: readonly Doc[]
  /** Always one item per line (Biome keeps an object expanded once written that way). */
  readonly expand: boolean
}

/** `callee(args)`, e.g. `new CharField({ maxLength: 100 })`. */
export interface CallDoc {
  readonly kind: 'call'
  readonly callee: string
  readonly args: readonly Doc[]
}

/** `key: value` inside an object literal. */
export interface PropertyDoc {
  readonly kind: 'property'
  readonly key: string
  readonly value: Doc
}

/**
 * Source text that is printed as is.
 *
 * @example
 * ```ts
 * print(text('RunSQL.noop')) // 'RunSQL.noop'
 * ```
 */
export function text(source: string): TextDoc {
  return { kind: 'text', text: source }
}

/**
 * An object literal from `[key, value]` pairs; keys that are not identifiers are quoted.
 *
 * @example
 * ```ts
 * print(object([['maxLength', text('100')]])) // '{ maxLength: 100 }'
 * ```
 */
export function object(entries: ReadonlyArray<readonly [string, Doc]>, options: { expand?: boolean } = {}): ListDoc {
  const items = entries.map(([key, value]): PropertyDoc => ({ kind: 'property', key: propertyKey(key), value }))
  return { kind: 'list', open: '{', items, expand: options.expand === true && items.length > 0 }
}

/**
 * An array literal. Like Prettier, Biome puts each item on its own line when there are several and
 * all are arrays (or all objects) of more than one element: `[['a', 'A'], ['b', 'B']]` never stays flat.
 *
 * @example
 * ```ts
 * print(array([quoted('a'), quoted('b')])) // "['a', 'b']"
 * ```
 */
export function array(items: readonly Doc[]): ListDoc {
  const first = items[0]
  const matrix =
    items.length > 1 &&
    first?.kind === 'list' &&
    items.every((item) => item.kind === 'list' && item.open === first.open && item.items.length > 1)
  return { kind: 'list', open: '[', items, expand: matrix }
}

/**
 * A call or `new` expression.
 *
 * @example
 * ```ts
 * print(call('new CharField', [object([['maxLength', text('100')]])])) // 'new CharField({ maxLength: 100 })'
 * ```
 */
export function call(callee: string, args: readonly Doc[]): CallDoc {
  return { kind: 'call', callee, args }
}

/**
 * A string literal as Biome writes it: single quotes, unless the text holds more single than
 * double quotes (fewer escapes win).
 *
 * @example
 * ```ts
 * quoted("it's") // "\"it's\""
 * ```
 */
export function quoted(value: string): TextDoc {
  const singles = value.split("'").length - 1
  const doubles = value.split('"').length - 1
  const quote = singles > doubles ? '"' : "'"
  let out = quote
  for (const char of value) {
    const code = char.codePointAt(0) as number
    if (char === quote || char === '\\') out += `\\${char}`
    else if (char === '\n') out += '\\n'
    else if (char === '\r') out += '\\r'
    else if (char === '\t') out += '\\t'
    // control characters and the two line separators JS source cannot hold raw
    else if (code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029)
      out += `\\u${code.toString(16).padStart(4, '0')}`
    else out += char
  }
  return { kind: 'text', text: out + quote, literal: true }
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/
/** Keys shorter than this keep an overflowing string on their line (tab width 2 + overlap 3). */
const SHORT_KEY = 5

function propertyKey(key: string): string {
  return IDENTIFIER.test(key) ? key : quoted(key).text
}

function forced(doc: Doc): boolean {
  switch (doc.kind) {
    case 'text':
      return false
    case 'property':
      return forced(doc.value)
    case 'list':
      return doc.expand || doc.items.some(forced)
    case 'call':
      return doc.args.some(forced)
  }
}

/**
 * The doc on one line, whatever its width.
 *
 * @example
 * ```ts
 * flat(call('new Index', [object([['name', quoted('i')]])])) // "new Index({ name: 'i' })"
 * ```
 */
export function flat(doc: Doc): string {
  switch (doc.kind) {
    case 'text':
      return doc.text
    case 'property':
      return `${doc.key}: ${flat(doc.value)}`
    case 'list': {
      const close = doc.open === '{' ? '}' : ']'
      if (doc.items.length === 0) return `${doc.open}${close}`
      const inner = doc.items.map(flat).join(', ')
      return doc.open === '{' ? `{ ${inner} }` : `[${inner}]`
    }
    case 'call':
      return `${doc.callee}(${doc.args.map(flat).join(', ')})`
  }
}

/**
 * Lays `doc` out starting at `column` on a line indented by `indent`, with `suffix` characters
 * (a comma, closing brackets) still to come on its last line.
 *
 * @example
 * ```ts
 * print(call('migration', [object([['operations', array([])]], { expand: true })]))
 * // 'migration({\n  operations: [],\n})'
 * ```
 */
export function print(doc: Doc, indent = 0, column = indent, suffix = 0): string {
  if (!forced(doc)) {
    const line = flat(doc)
    if (column + line.length + suffix <= LINE_WIDTH) return line
  }
  switch (doc.kind) {
    case 'text':
      return doc.text
    case 'property': {
      // Prettier's rule: a string after a key of 5+ characters goes to the next line rather than overflow
      if (doc.value.kind === 'text' && doc.value.literal === true && doc.key.length >= SHORT_KEY) {
        return `${doc.key}:\n${' '.repeat(indent + 2)}${doc.value.text}`
      }
      const prefix = `${doc.key}: `
      return prefix + print(doc.value, indent, column + prefix.length, suffix)
    }
    case 'list':
      return broken(doc, indent)
    case 'call':
      return printCall(doc, indent, column)
  }
}

function broken(list: ListDoc, indent: number): string {
  const close = list.open === '{' ? '}' : ']'
  if (list.items.length === 0) return `${list.open}${close}`
  const inner = indent + 2
  const pad = ' '.repeat(inner)
  const lines = list.items.map((item) => `${pad}${print(item, inner, inner, 1)},`)
  return `${list.open}\n${lines.join('\n')}\n${' '.repeat(indent)}${close}`
}

function printCall(doc: CallDoc, indent: number, column: number): string {
  const last = doc.args[doc.args.length - 1]
  if (last === undefined) return `${doc.callee}()`
  const others = doc.args.slice(0, -1)
  // the last argument is hugged (`new X('a', {` ... `})`) when the ones before it are plain
  const huggable =
    last.kind === 'list' && last.items.length > 0 && others.every((arg) => arg.kind === 'text' && !forced(arg))
  if (huggable) {
    const head = `${doc.callee}(${others.map((arg) => `${flat(arg)}, `).join('')}`
    if (column + head.length + 1 <= LINE_WIDTH) return `${head}${broken(last, indent)})`
  }
  const inner = indent + 2
  const pad = ' '.repeat(inner)
  const lines = doc.args.map((arg) => `${pad}${print(arg, inner, inner, 1)},`)
  return `${doc.callee}(\n${lines.join('\n')}\n${' '.repeat(indent)})`
}
