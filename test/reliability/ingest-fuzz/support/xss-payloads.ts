/**
 * Script-injection payloads for the "rendered inert" scenario. Every payload calls
 * `__xss(<n>)`, a function the browser test exposes, with a number naming the payload and the field
 * that carried it: a call means a payload ran, and `__xss(<n>)` found in the page's visible text
 * means it was shown as text.
 *
 * @example
 * ```ts
 * const plan = new XssPlan()
 * const text = plan.textFor(2)  // every field of the batch gets variant 2 with its own number
 * text('rollup.template') // '"><svg onload=__xss(201)>'
 * plan.describe(201) // { variant: 2, field: 'rollup.template' }
 * ```
 */
import type { TextOf } from './valid-payloads.js'

/** The payload shapes: tags, event handlers, attribute and tag breakers, `javascript:` URLs. */
export const XSS_VARIANTS: ReadonlyArray<(n: number) => string> = [
  (n) => `<script>__xss(${n})</script>`,
  (n) => `<img src=x onerror=__xss(${n})>`,
  (n) => `"><svg onload=__xss(${n})>`,
  (n) => `'><img src=x onerror=__xss(${n})>`,
  (n) => `</title><script>__xss(${n})</script>`,
  (n) => `</script><script>__xss(${n})</script>`,
  (n) => `javascript:__xss(${n})`,
  (n) => `https://x.test/"onmouseover="__xss(${n})`,
  (n) => `<iframe srcdoc="<script>parent.__xss(${n})</script>">`,
  (n) => `<details open ontoggle=__xss(${n})>`,
  (n) => `{{constructor.constructor('__xss(${n})')()}}`,
  (n) => `<a href="javascript:__xss(${n})">x</a>\u2028\u2029`,
  (n) => `<body onload=__xss(${n})><style>*{}</style>`,
]

/** Numbers of the payloads planted, and what each one was. */
export class XssPlan {
  readonly #planted = new Map<number, { variant: number; field: string }>()
  readonly #fieldNumbers = new Map<string, number>()

  /**
   * The texts of one variant: each field gets its own number (`variant * 100 + field index`).
   *
   * @example
   * ```ts
   * sampleItems(new Date(), plan.textFor(0))
   * ```
   */
  textFor(variant: number): TextOf {
    const shape = XSS_VARIANTS[variant]
    if (shape === undefined) throw new Error(`no XSS variant ${variant}: there are ${XSS_VARIANTS.length}`)
    return (field) => {
      let index = this.#fieldNumbers.get(field)
      if (index === undefined) {
        index = this.#fieldNumbers.size
        this.#fieldNumbers.set(field, index)
      }
      const n = variant * 100 + index
      this.#planted.set(n, { variant, field })
      return shape(n)
    }
  }

  /** Every planted number. */
  planted(): number[] {
    return [...this.#planted.keys()]
  }

  /** The variant and field of a planted number. */
  describe(n: number): { variant: number; field: string } | undefined {
    return this.#planted.get(n)
  }
}
