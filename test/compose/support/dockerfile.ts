/**
 * A small Dockerfile reader for the checks: instructions with their line continuations joined,
 * comments dropped, grouped by stage (`FROM ... AS name`), and the sources of each `COPY`/`ADD`
 * from the build context (those without `--from`).
 *
 * @example
 * ```ts
 * const file = parseDockerfile(readRepoFile('apps/dashboard/Dockerfile'))
 * file.contextCopies.map((copy) => copy.sources) // [['package.json', 'package-lock.json'], ...]
 * ```
 */

/** One instruction, e.g. `{ keyword: 'RUN', args: 'npm ci', line: 12 }`. */
export interface Instruction {
  keyword: string
  args: string
  /** 1-based line where the instruction starts. */
  line: number
  /** Index of the stage it belongs to (-1 before the first FROM: ARGs). */
  stage: number
}

/** A `FROM` stage. */
export interface Stage {
  index: number
  image: string
  name: string | undefined
  instructions: Instruction[]
}

/** A `COPY`/`ADD` from the build context. */
export interface ContextCopy {
  sources: string[]
  destination: string
  flags: string[]
  line: number
}

/** The parsed file. */
export interface Dockerfile {
  instructions: Instruction[]
  stages: Stage[]
  /** Default values of the ARGs declared before the first FROM. */
  globalArgs: Record<string, string>
  contextCopies: ContextCopy[]
}

function splitWords(args: string): string[] {
  const trimmed = args.trim()
  if (trimmed.startsWith('[')) return JSON.parse(trimmed) as string[]
  return trimmed.split(/\s+/).filter(Boolean)
}

/**
 * Parses a Dockerfile's text.
 *
 * @example
 * ```ts
 * parseDockerfile('FROM node:20-bookworm-slim AS base\nUSER node\n').stages[0]?.name // 'base'
 * ```
 */
export function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = []
  const stages: Stage[] = []
  const globalArgs: Record<string, string> = {}
  const lines = text.split(/\r?\n/)
  let pending = ''
  let startLine = 0
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string
    const trimmed = raw.trim()
    if (pending === '' && (trimmed === '' || trimmed.startsWith('#'))) continue
    if (pending !== '' && trimmed.startsWith('#')) continue
    if (pending === '') startLine = i + 1
    const continued = /\\\s*$/.test(raw)
    pending += `${continued ? raw.replace(/\\\s*$/, '') : raw} `
    if (continued && i < lines.length - 1) continue
    const match = /^\s*(\w+)\s*(.*)$/s.exec(pending.trim())
    pending = ''
    if (match === null) continue
    const keyword = (match[1] as string).toUpperCase()
    const args = (match[2] as string).trim()
    if (keyword === 'FROM') {
      const [image = '', as, name] = splitWords(args).filter((word) => !word.startsWith('--'))
      stages.push({
        index: stages.length,
        image,
        name: as?.toUpperCase() === 'AS' ? name : undefined,
        instructions: [],
      })
    }
    const instruction = { keyword, args, line: startLine, stage: stages.length - 1 }
    instructions.push(instruction)
    stages[stages.length - 1]?.instructions.push(instruction)
    if (keyword === 'ARG' && stages.length === 0) {
      const [name = '', value = ''] = args.split('=', 2)
      globalArgs[name.trim()] = value.trim()
    }
  }
  const contextCopies: ContextCopy[] = []
  for (const instruction of instructions) {
    if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') continue
    const words = splitWords(instruction.args)
    const flags = words.filter((word) => word.startsWith('--'))
    if (flags.some((flag) => flag.startsWith('--from='))) continue
    const paths = words.filter((word) => !word.startsWith('--'))
    contextCopies.push({
      sources: paths.slice(0, -1),
      destination: paths[paths.length - 1] ?? '',
      flags,
      line: instruction.line,
    })
  }
  return { instructions, stages, globalArgs, contextCopies }
}

/**
 * The image of a stage with the global ARGs substituted (`${NODE_IMAGE}` → `node:20-bookworm-slim`).
 *
 * @example
 * ```ts
 * resolveImage(file, file.stages[0]!) // 'node:20-bookworm-slim'
 * ```
 */
export function resolveImage(file: Dockerfile, stage: Stage): string {
  return stage.image.replace(/\$\{?(\w+)\}?/g, (whole, name: string) => file.globalArgs[name] ?? whole)
}
