/**
 * A small parser of the Prometheus text exposition format (what prom-client's `registry.metrics()`
 * writes), for asserting on scraped output.
 */

/** One sample line: `name{labels} value`. */
export interface ExpositionSample {
  name: string
  labels: Record<string, string>
  value: number
}

/** A parsed scrape: samples plus the HELP and TYPE of each metric family. */
export interface Exposition {
  samples: ExpositionSample[]
  help: Map<string, string>
  type: Map<string, string>
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g

/** Parses the text format; throws on a line that is neither a comment nor a sample. */
export function parseExposition(text: string): Exposition {
  const exposition: Exposition = { samples: [], help: new Map(), type: new Map() }
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line)
    if (meta !== null) {
      exposition[meta[1] === 'HELP' ? 'help' : 'type'].set(meta[2] as string, meta[3] as string)
      continue
    }
    const match = SAMPLE.exec(line)
    if (match === null) throw new Error(`not a sample line: ${line}`)
    const labels: Record<string, string> = {}
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) {
      labels[key as string] = (value as string).replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c))
    }
    exposition.samples.push({ name: match[1] as string, labels, value: Number(match[3]) })
  }
  return exposition
}

/**
 * The value of the one sample of `name` whose labels include `labels`; throws when there is none
 * or more than one.
 */
export function sample(exposition: Exposition, name: string, labels: Record<string, string> = {}): number {
  const found = exposition.samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  )
  if (found.length !== 1) {
    throw new Error(`expected one ${name} sample with ${JSON.stringify(labels)}, found ${found.length}`)
  }
  return (found[0] as ExpositionSample).value
}
