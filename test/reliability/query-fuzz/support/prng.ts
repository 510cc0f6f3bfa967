/**
 * A small seeded PRNG (mulberry32) so every fuzz run is reproducible from its printed seed.
 *
 * @example
 * ```ts
 * const rng = new Prng(1234)
 * rng.int(0, 9) // same sequence for the same seed
 * ```
 */
export class Prng {
  #state: number

  constructor(readonly seed: number) {
    this.#state = seed >>> 0
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0
    let t = this.#state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** An integer in [low, high]. */
  int(low: number, high: number): number {
    return low + Math.floor(this.next() * (high - low + 1))
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T
  }
}

/** The seed of this run: `DORM_FUZZ_SEED` when set (to replay a run), else a fresh one. */
export function fuzzSeed(): number {
  const fromEnv = process.env.DORM_FUZZ_SEED
  if (fromEnv !== undefined && fromEnv !== '') {
    const seed = Number(fromEnv)
    if (!Number.isSafeInteger(seed) || seed < 0)
      throw new Error(`DORM_FUZZ_SEED must be a whole number >= 0, got ${fromEnv}`)
    return seed
  }
  return Math.floor(Math.random() * 2 ** 31)
}
