/**
 * Where each operation of a migration file sits in its TypeScript source, so findings point at
 * the exact line and column (editors, SARIF, GitHub annotations). The file is parsed with the
 * TypeScript compiler API, never evaluated; an unusual shape (operations built in a loop, spread
 * from a helper) falls back to line 1, column 1.
 */
import { createRequire } from 'node:module'
import type * as TS from 'typescript'

/** Where one element of the `operations` array starts (1-based). */
export interface OperationLocation {
  readonly line: number
  readonly column: number
  /** The last line of the element, so a suppression comment at its end can be matched. */
  readonly endLine: number
  /** Start line of each string or template literal of a RunSQL's `sql` (one per SQL string, in order). */
  readonly sqlLines: readonly number[]
}

/** The operations of a file in order; empty when the `migration({ operations: [...] })` shape was not found. */
export interface SourceLocations {
  readonly operations: readonly OperationLocation[]
}

/** The location used when the source gives no answer. */
export const UNKNOWN_LOCATION: OperationLocation = { line: 1, column: 1, endLine: 1, sqlLines: [] }

let compiler: Promise<typeof TS> | undefined

async function loadCompiler(): Promise<typeof TS> {
  // loaded on first use: the compiler is large and only the linter needs it. require(), not
  // import(): importing the 9 MB CommonJS file from ESM makes Node scan it for named exports first
  compiler ??= Promise.resolve(createRequire(import.meta.url)('typescript') as typeof TS)
  return compiler
}

function isMigrationCall(ts: typeof TS, node: TS.Node): node is TS.CallExpression {
  if (!ts.isCallExpression(node)) return false
  const callee = node.expression
  const name = ts.isIdentifier(callee)
    ? callee.text
    : ts.isPropertyAccessExpression(callee)
      ? callee.name.text
      : undefined
  return name === 'migration' && node.arguments.length > 0
}

function operationsArray(ts: typeof TS, call: TS.CallExpression): TS.ArrayLiteralExpression | undefined {
  const arg = call.arguments[0]
  if (arg === undefined || !ts.isObjectLiteralExpression(arg)) return undefined
  for (const property of arg.properties) {
    if (!ts.isPropertyAssignment(property)) continue
    const key = property.name
    const keyText = ts.isIdentifier(key) || ts.isStringLiteral(key) ? key.text : undefined
    if (keyText === 'operations' && ts.isArrayLiteralExpression(property.initializer)) return property.initializer
  }
  return undefined
}

function sqlLiteralLines(ts: typeof TS, source: TS.SourceFile, element: TS.Expression): number[] {
  if (!ts.isNewExpression(element) || !ts.isIdentifier(element.expression) || element.expression.text !== 'RunSQL') {
    return []
  }
  const options = element.arguments?.[0]
  if (options === undefined || !ts.isObjectLiteralExpression(options)) return []
  const sql = options.properties.find(
    (p): p is TS.PropertyAssignment => ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === 'sql',
  )
  if (sql === undefined) return []
  const values = ts.isArrayLiteralExpression(sql.initializer) ? [...sql.initializer.elements] : [sql.initializer]
  const lines: number[] = []
  for (const value of values) {
    if (ts.isStringLiteral(value) || ts.isNoSubstitutionTemplateLiteral(value) || ts.isTemplateExpression(value)) {
      lines.push(source.getLineAndCharacterOfPosition(value.getStart(source)).line + 1)
    } else return []
  }
  return lines
}

/**
 * Finds the `migration({ operations: [...] })` call of a migration file and the position of each
 * operation in it.
 *
 * @example
 * ```ts
 * const { operations } = await locateOperations(readFileSync(file, 'utf8'), file)
 * operations[0] // { line: 6, column: 5, endLine: 6, sqlLines: [] }
 * ```
 */
export async function locateOperations(text: string, fileName = 'migration.ts'): Promise<SourceLocations> {
  const ts = await loadCompiler()
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
  let array: TS.ArrayLiteralExpression | undefined
  const visit = (node: TS.Node): void => {
    if (array !== undefined) return
    if (isMigrationCall(ts, node)) array = operationsArray(ts, node)
    if (array === undefined) ts.forEachChild(node, visit)
  }
  visit(source)
  if (array === undefined) return { operations: [] }
  // a spread (`...common`) hides how many operations it yields: positions after it are unknowable
  if (array.elements.some((e) => ts.isSpreadElement(e))) return { operations: [] }
  return {
    operations: array.elements.map((element) => {
      const start = source.getLineAndCharacterOfPosition(element.getStart(source))
      const end = source.getLineAndCharacterOfPosition(element.getEnd())
      return {
        line: start.line + 1,
        column: start.character + 1,
        endLine: end.line + 1,
        sqlLines: sqlLiteralLines(ts, source, element),
      }
    }),
  }
}

/**
 * The location of operation `index`, or line 1 column 1 when the source did not say.
 *
 * @example
 * ```ts
 * const { line, column } = operationLocation(locations, 2)
 * ```
 */
export function operationLocation(locations: SourceLocations, index: number): OperationLocation {
  return locations.operations[index] ?? UNKNOWN_LOCATION
}
