/**
 * Extraction of the TypeScript samples of one markdown file, following the docs sample rule:
 *
 * - every fenced block tagged `ts`, `typescript` or `tsx` is a sample, its own ES module;
 * - a block directly preceded by `<!-- sample: continues -->` is appended to the previous checked
 *   block of the same file;
 * - a block directly preceded by `<!-- sample: skip — <reason> -->` is not compiled, and listed with
 *   its reason.
 *
 * "Directly preceded" means the marker is the last non-blank line before the opening fence. A marker
 * that is not one of these two forms, that precedes anything but a TypeScript block, or a
 * `continues` with no checked block before it, is a malformed marker (an error). Pure: no I/O.
 */

const TS_LANGUAGES = new Set(['ts', 'typescript', 'tsx'])
const FENCE = /^( {0,3})(`{3,}|~{3,})\s*([^\s`]*)/
const MARKER_LIKE = /^\s*<!--\s*sample\b/i
const CONTINUES = /^\s*<!--\s*sample:\s*continues\s*-->\s*$/
const SKIP = /^\s*<!--\s*sample:\s*skip\s*(?:—|–|--|-)\s*(.*?)\s*-->\s*$/
const SKIP_WITHOUT_REASON = /^\s*<!--\s*sample:\s*skip\s*-->\s*$/

/** The usage shown in every malformed-marker message. */
export const MARKER_USAGE = 'use `<!-- sample: continues -->` or `<!-- sample: skip — <reason> -->`'

/**
 * Parses one marker line.
 * @param {string} line
 * @returns {{ kind: 'continues' } | { kind: 'skip', reason: string } | { kind: 'malformed', message: string }}
 * @example
 * parseMarker('<!-- sample: skip — output listing -->') // { kind: 'skip', reason: 'output listing' }
 */
export function parseMarker(line) {
  if (CONTINUES.test(line)) return { kind: 'continues' }
  const skip = SKIP.exec(line)
  if (skip) {
    const reason = skip[1] ?? ''
    if (reason) return { kind: 'skip', reason }
  }
  if (SKIP_WITHOUT_REASON.test(line) || skip) {
    return { kind: 'malformed', message: `a skip marker needs a reason after the dash: ${MARKER_USAGE}` }
  }
  return { kind: 'malformed', message: `unknown sample marker \`${line.trim()}\`: ${MARKER_USAGE}` }
}

/**
 * The file name of the sample starting at `line` of `sourcePath` (repo-relative, `/` separated).
 * @param {string} sourcePath
 * @param {number} line 1-based line of the opening fence
 * @param {'ts' | 'tsx'} extension
 * @example
 * sampleFileName('docs/orm.md', 120, 'ts') // 'docs__orm.md__L120.ts'
 */
export function sampleFileName(sourcePath, line, extension) {
  return `${sourcePath.replaceAll('\\', '/').replaceAll('/', '__')}__L${line}.${extension}`
}

/**
 * Extracts the samples of one markdown file.
 *
 * Each sample's `lines[i]` came from markdown line `sourceLines[i]` (1-based), so a compiler error
 * at sample line `i + 1` maps back to `sourcePath:sourceLines[i]`.
 *
 * @param {string} markdown the file's text
 * @param {string} sourcePath repo-relative path, used in names and messages
 * @returns {import('./extract.d.mts').Extraction}
 * @example
 * const { samples, skips, errors } = extractSamples(readFileSync('docs/orm.md', 'utf8'), 'docs/orm.md')
 */
export function extractSamples(markdown, sourcePath) {
  const text = markdown.replace(/\r\n?/g, '\n')
  const all = text.split('\n')
  /** @type {import('./extract.d.mts').Sample[]} */
  const samples = []
  /** @type {import('./extract.d.mts').Skip[]} */
  const skips = []
  /** @type {import('./extract.d.mts').MarkerError[]} */
  const errors = []
  /** @type {{ line: number, text: string } | undefined} the marker waiting for its block */
  let pending
  /** @type {number | undefined} index in `samples` of the last checked block */
  let lastChecked

  const flushPending = (/** @type {string} */ what) => {
    if (!pending) return
    errors.push({
      file: sourcePath,
      line: pending.line,
      message: `sample marker not followed by a ts/typescript/tsx block (found ${what}): put it on the line right before the block's opening fence`,
    })
    pending = undefined
  }

  let index = 0
  while (index < all.length) {
    const line = all[index] ?? ''
    const lineNumber = index + 1
    const fence = FENCE.exec(line)
    if (!fence) {
      if (MARKER_LIKE.test(line)) {
        flushPending('another marker')
        pending = { line: lineNumber, text: line }
      } else if (line.trim() !== '') {
        flushPending('text')
      }
      index += 1
      continue
    }

    const indent = fence[1]?.length ?? 0
    const marker = fence[2] ?? '```'
    const language = (fence[3] ?? '').toLowerCase()
    // the block's body, up to the closing fence (same character, at least as long) or the end of file
    const closing = new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}\\s*$`)
    let end = index + 1
    while (end < all.length && !closing.test(all[end] ?? '')) end += 1
    const body = all.slice(index + 1, end).map((bodyLine) => stripIndent(bodyLine, indent))
    const bodyLines = body.map((_, offset) => index + 2 + offset)

    if (!TS_LANGUAGES.has(language)) {
      flushPending(`a \`${language || 'untagged'}\` block`)
    } else {
      const parsed = pending ? parseMarker(pending.text) : undefined
      const markerLine = pending?.line ?? lineNumber
      pending = undefined
      const extension = language === 'tsx' ? 'tsx' : 'ts'
      if (parsed?.kind === 'malformed') {
        errors.push({ file: sourcePath, line: markerLine, message: parsed.message })
      } else if (parsed?.kind === 'skip') {
        skips.push({ file: sourcePath, line: lineNumber, reason: parsed.reason })
      } else if (parsed?.kind === 'continues') {
        const previous = lastChecked === undefined ? undefined : samples[lastChecked]
        if (!previous) {
          errors.push({
            file: sourcePath,
            line: markerLine,
            message: `\`<!-- sample: continues -->\` but no checked ts block comes before it in ${sourcePath}: remove the marker or make the block complete`,
          })
        } else {
          previous.lines.push(...body)
          previous.sourceLines.push(...bodyLines)
          previous.continuations.push(lineNumber)
          if (extension === 'tsx' && previous.extension === 'ts') {
            previous.extension = 'tsx'
            previous.fileName = sampleFileName(sourcePath, previous.line, 'tsx')
          }
        }
      } else {
        samples.push({
          source: sourcePath,
          line: lineNumber,
          extension,
          fileName: sampleFileName(sourcePath, lineNumber, extension),
          lines: body,
          sourceLines: bodyLines,
          continuations: [],
        })
        lastChecked = samples.length - 1
      }
    }
    index = end + 1
  }
  flushPending('the end of the file')
  return { samples, skips, errors }
}

/**
 * Maps a 1-based line of a sample file back to its markdown line.
 * @param {import('./extract.d.mts').Sample} sample
 * @param {number} sampleLine
 * @example
 * sourceLineOf(sample, 1) // the line right after the opening fence
 */
export function sourceLineOf(sample, sampleLine) {
  const mapped = sample.sourceLines[sampleLine - 1]
  if (mapped !== undefined) return mapped
  // past the end (an error at end of file): the last line of the block
  return sample.sourceLines.at(-1) ?? sample.line
}

/**
 * Removes up to `count` leading spaces (the indentation of a fence nested in a list item).
 * @param {string} line
 * @param {number} count
 */
function stripIndent(line, count) {
  let removed = 0
  while (removed < count && line[removed] === ' ') removed += 1
  return line.slice(removed)
}
