/**
 * "Explicit setting > environment variable > default", resolved once and memoised until the
 * settings change. The knobs read on every query (SLOW_QUERY_MS, RETRY_*) use it so the hot path
 * is an integer comparison and a field read instead of a settings and `process.env` lookup.
 *
 * @example
 * ```ts
 * const slow = new MemoizedSetting<number | null>({
 *   name: 'SLOW_QUERY_MS',
 *   envVar: 'DORM_SLOW_QUERY_MS',
 *   defaultValue: 500,
 *   parseEnv: (raw) => parseDecimal(raw),
 *   explicit: () => ('SLOW_QUERY_MS' in settings ? settings.SLOW_QUERY_MS : NOT_SET),
 * })
 * slow.get() // 500 until configure() or the env says otherwise
 * ```
 */
import { getLogger } from '../db/logging.js'

/**
 * Returned by an explicit-settings lookup when the key was never configured. It is a symbol, not
 * `undefined` or `null`, because `null` is a real value (SLOW_QUERY_MS: null disables the warning).
 *
 * @example
 * ```ts
 * const explicit = () => (key in current ? current[key] : NOT_SET)
 * ```
 */
export const NOT_SET: unique symbol = Symbol('dorm.NOT_SET')

// One counter for every memoised setting: configure() and resetSettings() bump it, and each
// MemoizedSetting re-resolves lazily on its next get() when its stamp is stale.
let generation = 0

/**
 * Invalidates every memoised setting; the next `get()` re-reads settings and env. Called by
 * `configure()` and `resetSettings()`; there is no other reason to call it.
 *
 * @example
 * ```ts
 * bumpSettingsGeneration()
 * ```
 */
export function bumpSettingsGeneration(): void {
  generation++
}

/**
 * The current settings generation, for caches outside this module that follow the same rule.
 *
 * @example
 * ```ts
 * if (cachedAt !== settingsGeneration()) rebuild()
 * ```
 */
export function settingsGeneration(): number {
  return generation
}

/** Where a memoised setting's current value came from. */
export type SettingSource = 'setting' | 'env' | 'default'

/** How to resolve one setting. */
export interface MemoizedSettingOptions<T> {
  /** The settings key, e.g. `SLOW_QUERY_MS`. Used in log messages. */
  name: string
  /** Environment variable consulted when the setting was not configured. */
  envVar?: string
  defaultValue: T
  /** Parses the env value; `undefined` means unparseable, which falls through to the default. */
  parseEnv?: (raw: string) => T | undefined
  /** The configured value, or {@link NOT_SET}. Values are validated by `configure()` beforehand. */
  explicit: () => T | typeof NOT_SET
  /** Says what a valid env value looks like, for the warning about an unparseable one. */
  envHint?: string
}

/**
 * One memoised setting.
 *
 * @example
 * ```ts
 * const attempts = new MemoizedSetting<number>({
 *   name: 'RETRY_ATTEMPTS',
 *   envVar: 'DORM_RETRY_ATTEMPTS',
 *   defaultValue: 3,
 *   parseEnv: (raw) => parseInteger(raw, 1),
 *   explicit: () => NOT_SET,
 * })
 * attempts.get() // 3, or DORM_RETRY_ATTEMPTS when it holds an integer >= 1
 * ```
 */
export class MemoizedSetting<T> {
  readonly name: string
  readonly #options: MemoizedSettingOptions<T>
  #value!: T
  #source: SettingSource = 'default'
  #generation = -1

  constructor(options: MemoizedSettingOptions<T>) {
    this.name = options.name
    this.#options = options
  }

  /** The current value. After the first call in a generation this is a comparison and a read. */
  get(): T {
    if (this.#generation === generation) return this.#value
    return this.#resolve()
  }

  /** Where the current value came from (for `dorm doctor` style reports). */
  source(): SettingSource {
    if (this.#generation !== generation) this.#resolve()
    return this.#source
  }

  #resolve(): T {
    const { explicit, envVar, parseEnv, defaultValue, envHint } = this.#options
    let value = defaultValue
    let source: SettingSource = 'default'
    const configured = explicit()
    if (configured !== NOT_SET) {
      value = configured
      source = 'setting'
    } else if (envVar !== undefined && parseEnv !== undefined) {
      const raw = process.env[envVar]
      if (raw !== undefined) {
        const parsed = parseEnv(raw)
        if (parsed !== undefined) {
          value = parsed
          source = 'env'
        } else {
          // the documented behaviour is to fall through to the default; say so once per
          // generation, or a typo in the deployment's env would go unnoticed
          getLogger('dorm.conf').warning(
            `${envVar}=${JSON.stringify(raw)} is not ${envHint ?? 'a valid value'}; using the default ` +
              `${String(defaultValue)} for ${this.name}. ` +
              `Fix or unset ${envVar}, or call configure({ ${this.name}: ... }).`,
            { setting: this.name, envVar },
          )
        }
      }
    }
    this.#value = value
    this.#source = source
    this.#generation = generation
    return value
  }
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/
const INTEGER = /^[+-]?\d+$/

/**
 * Parses a decimal number written in plain notation. Stricter than `Number()`, which turns
 * `''` and `'  '` into 0 and accepts `'0x10'` and `'Infinity'`; a setting must not silently
 * become 0 because an env var is blank. Returns `undefined` when the text is not such a number
 * or is below `min`.
 *
 * @example
 * ```ts
 * parseDecimal('0.25')    // 0.25
 * parseDecimal('')        // undefined
 * parseDecimal('-1', 0)   // undefined
 * ```
 */
export function parseDecimal(raw: string, min = Number.NEGATIVE_INFINITY): number | undefined {
  const text = raw.trim()
  if (!DECIMAL.test(text)) return undefined
  const value = Number(text)
  return Number.isFinite(value) && value >= min ? value : undefined
}

/**
 * Parses an integer written in plain decimal notation (no `1e3`, no `2.0`). Returns `undefined`
 * when the text is not an integer, is unsafe, or is below `min`.
 *
 * @example
 * ```ts
 * parseInteger('5')       // 5
 * parseInteger('2.5')     // undefined
 * parseInteger('0', 1)    // undefined
 * ```
 */
export function parseInteger(raw: string, min = Number.NEGATIVE_INFINITY): number | undefined {
  const text = raw.trim()
  if (!INTEGER.test(text)) return undefined
  const value = Number(text)
  return Number.isSafeInteger(value) && value >= min ? value : undefined
}
