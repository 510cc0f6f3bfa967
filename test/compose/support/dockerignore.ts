/**
 * A `.dockerignore` matcher with Docker's rules: patterns relative to the context root (a leading
 * `/` is dropped), `*` and `?` within one path segment, `**` across any number of segments, `!`
 * re-includes, the last matching line wins, and a pattern that matches a directory excludes what is
 * inside it.
 *
 * @example
 * ```ts
 * const ignore = parseDockerignore('**\/node_modules\n!keep/node_modules')
 * ignore.excludes('apps/dashboard/node_modules/next/package.json') // true
 * ```
 */

interface Rule {
  pattern: string
  negated: boolean
  regex: RegExp
}

/** A parsed `.dockerignore`. */
export interface Dockerignore {
  /** The patterns as written (comments and blank lines dropped). */
  readonly rules: readonly { pattern: string; negated: boolean }[]
  /** Whether `path` (relative to the context, `/`-separated) is left out of the build context. */
  excludes(path: string): boolean
}

function clean(path: string): string {
  return path
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/')
}

function segmentToRegex(segment: string): string {
  let out = ''
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i] as string
    if (ch === '*') out += '[^/]*'
    else if (ch === '?') out += '[^/]'
    else if (ch === '\\' && i + 1 < segment.length) out += `\\${segment[++i]}`
    else if (ch === '[') {
      const end = segment.indexOf(']', i + 1)
      if (end === -1) out += '\\['
      else {
        out += `[${segment.slice(i + 1, end).replace(/^!/, '^')}]`
        i = end
      }
    } else out += ch.replace(/[.+^${}()|\]\\]/g, '\\$&')
  }
  return out
}

function patternToRegex(pattern: string): RegExp {
  const segments = clean(pattern).split('/')
  let source = ''
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1
    if (segment === '**') source += last ? '.*' : '(?:[^/]+/)*'
    else source += segmentToRegex(segment) + (last ? '' : '/')
  })
  // a match on a directory covers everything below it
  return new RegExp(`^${source}(?:/.*)?$`)
}

/**
 * Parses the text of a `.dockerignore`.
 *
 * @example
 * ```ts
 * parseDockerignore(readFileSync('.dockerignore', 'utf8')).excludes('bench/data.json')
 * ```
 */
export function parseDockerignore(text: string): Dockerignore {
  const rules: Rule[] = []
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const negated = line.startsWith('!')
    const pattern = clean((negated ? line.slice(1) : line).trim())
    if (pattern === '') continue
    rules.push({ pattern, negated, regex: patternToRegex(pattern) })
  }
  return {
    rules: rules.map(({ pattern, negated }) => ({ pattern, negated })),
    excludes(path: string): boolean {
      const target = clean(path)
      let excluded = false
      for (const rule of rules) if (rule.regex.test(target)) excluded = !rule.negated
      return excluded
    },
  }
}
