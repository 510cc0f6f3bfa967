/**
 * Every `everyMs` (10 s in the soak), the resident memory of each watched process and whether the
 * shop's `/healthz` and the dashboard's `/api/v1/health` answer 200; every `gcEveryMs` (60 s), after
 * those readings, the memory each process retains after a full collection, through its inspector.
 * Kept in memory (a 30-minute soak is 180 rows) and written as CSV at the end.
 *
 * @example
 * ```ts
 * const sampler = startMemorySampler({ everyMs: 10_000, pids: { shop: 4242 }, probes: { shop: `${url}/healthz` } })
 * // ... the soak ...
 * await sampler.stop()
 * await writeSamplesCsv(sampler.samples, 'artifacts/soak-samples.csv')
 * ```
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { InspectorMemory, ProcessMemory } from './inspector-memory.js'
import { rssMb } from './process-memory.js'

/** One sampling instant. */
export interface MemorySample {
  /** Milliseconds since the sampler started. */
  atMs: number
  at: string
  /** MB per process name (undefined: the process is gone). */
  rssMb: Record<string, number | undefined>
  /** HTTP status per probe name (0: no answer within 5 s). */
  probes: Record<string, number>
  /** Used V8 heap in MB per process exposing `nodejs_heap_size_used_bytes` (undefined: not exposed). */
  heapMb: Record<string, number | undefined>
  /** Memory after a full collection per inspected process, on the samples that took one (else empty). */
  afterGc: Record<string, ProcessMemory | undefined>
}

/** A running sampler. */
export interface MemorySampler {
  readonly samples: MemorySample[]
  /** Takes one sample now (also done on the timer). */
  sampleNow(): Promise<MemorySample>
  /** Stops the timer and waits for a sample in progress. */
  stop(): Promise<void>
}

/** `nodejs_heap_size_used_bytes` (prom-client's default metrics) from a Prometheus endpoint, in MB. */
async function scrapeHeapMb(metricsUrl: string): Promise<number | undefined> {
  try {
    const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(5000) })
    const match = /^nodejs_heap_size_used_bytes(?:\{[^}]*\})?\s+([0-9.e+]+)/m.exec(await response.text())
    return match?.[1] === undefined ? undefined : Number(match[1]) / 2 ** 20
  } catch {
    return undefined
  }
}

async function probe(url: string): Promise<number> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) })
    await response.arrayBuffer()
    return response.status
  } catch {
    return 0
  }
}

/**
 * Samples now, then every `everyMs`.
 *
 * @example
 * ```ts
 * startMemorySampler({ everyMs: 10_000, pids: { dashboard: 1, shop: 2, traffic: 3 }, probes: {} })
 * ```
 */
export function startMemorySampler(options: {
  everyMs: number
  pids: Record<string, number>
  probes: Record<string, string>
  /** Prometheus endpoints to read the heap from, per process name. */
  metrics?: Record<string, string>
  /** Inspector sessions per process name, for the memory retained after a full collection. */
  inspectors?: Record<string, InspectorMemory>
  /** How often to take that reading (default 60 s); the first sample always takes one. */
  gcEveryMs?: number
}): MemorySampler {
  const started = Date.now()
  const samples: MemorySample[] = []
  const gcEveryMs = options.gcEveryMs ?? 60_000
  let lastGcAtMs = Number.NEGATIVE_INFINITY
  let inFlight: Promise<MemorySample> | undefined
  const sampleNow = async (): Promise<MemorySample> => {
    const atMs = Date.now() - started
    const entries = await Promise.all(
      Object.entries(options.pids).map(async ([name, pid]) => [name, await rssMb(pid)] as const),
    )
    const probes = await Promise.all(
      Object.entries(options.probes).map(async ([name, url]) => [name, await probe(url)] as const),
    )
    const heaps = await Promise.all(
      Object.entries(options.metrics ?? {}).map(async ([name, url]) => [name, await scrapeHeapMb(url)] as const),
    )
    // after the plain readings, so that they show the process as it runs
    let afterGc: [string, ProcessMemory | undefined][] = []
    if (options.inspectors !== undefined && atMs - lastGcAtMs >= gcEveryMs) {
      lastGcAtMs = atMs
      afterGc = await Promise.all(
        Object.entries(options.inspectors).map(
          async ([name, inspector]) => [name, await inspector.memoryAfterGc().catch(() => undefined)] as const,
        ),
      )
    }
    const sample = {
      atMs,
      at: new Date(started + atMs).toISOString(),
      rssMb: Object.fromEntries(entries),
      probes: Object.fromEntries(probes),
      heapMb: Object.fromEntries(heaps),
      afterGc: Object.fromEntries(afterGc),
    }
    samples.push(sample)
    return sample
  }
  const tick = () => {
    inFlight = sampleNow()
    inFlight.catch(() => undefined)
  }
  tick()
  const timer = setInterval(tick, options.everyMs)
  return {
    samples,
    sampleNow,
    async stop() {
      clearInterval(timer)
      await inFlight?.catch(() => undefined)
    },
  }
}

/**
 * Writes the samples as CSV: time, seconds, one `<name>_rss_mb` column per process, one
 * `<name>_heap_used_mb` column per scraped heap (empty when not exposed), `<name>_gc_rss_mb` and
 * `<name>_gc_heap_used_mb` per inspected process (empty on samples without a collection), one
 * `<name>_status` column per probe.
 *
 * @example
 * ```ts
 * await writeSamplesCsv(sampler.samples, join(artifactsDir, 'soak-samples.csv'))
 * ```
 */
export async function writeSamplesCsv(samples: readonly MemorySample[], file: string): Promise<void> {
  const names = [...new Set(samples.flatMap((sample) => Object.keys(sample.rssMb)))]
  const probes = [...new Set(samples.flatMap((sample) => Object.keys(sample.probes)))]
  const heaps = [...new Set(samples.flatMap((sample) => Object.keys(sample.heapMb)))]
  const collected = [...new Set(samples.flatMap((sample) => Object.keys(sample.afterGc)))]
  const header = [
    'at',
    't_s',
    ...names.map((name) => `${name}_rss_mb`),
    ...heaps.map((name) => `${name}_heap_used_mb`),
    ...collected.flatMap((name) => [`${name}_gc_rss_mb`, `${name}_gc_heap_used_mb`]),
    ...probes.map((name) => `${name}_status`),
  ]
  const rows = samples.map((sample) => [
    sample.at,
    (sample.atMs / 1000).toFixed(1),
    ...names.map((name) => sample.rssMb[name]?.toFixed(1) ?? ''),
    ...heaps.map((name) => sample.heapMb[name]?.toFixed(1) ?? ''),
    ...collected.flatMap((name) => [
      sample.afterGc[name]?.rssMb.toFixed(1) ?? '',
      sample.afterGc[name]?.heapUsedMb.toFixed(1) ?? '',
    ]),
    ...probes.map((name) => String(sample.probes[name] ?? '')),
  ])
  await mkdir(dirname(file), { recursive: true })
  await writeFile(file, `${[header, ...rows].map((row) => row.join(',')).join('\n')}\n`)
}
