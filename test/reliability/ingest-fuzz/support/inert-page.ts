/**
 * Opens a dashboard page in Chromium and reports what the planted payloads did there: which
 * `__xss(<n>)` numbers are visible as text, and which elements a payload would have created had it
 * been parsed as HTML (event-handler attributes, script elements, `srcdoc` frames, `javascript:`
 * links). Calls of `__xss` itself and dialogs are caught by the context (see `watchForScripts`).
 *
 * @example
 * ```ts
 * const calls = await watchForScripts(context)
 * const seen = await inspectPage(page, `${url}/env/fuzz/slow`)
 * expect(seen.injectedElements).toEqual([])
 * expect(calls).toEqual([])
 * ```
 */
import type { BrowserContext, Page } from '@playwright/test'

/** What a page showed. */
export interface PageInspection {
  path: string
  status: number
  /** Payload numbers found in the visible text. */
  shownAsText: number[]
  /** Payload numbers found in text nodes, hidden ones included (collapsed `<details>`), scripts excluded. */
  presentAsText: number[]
  /** Elements that exist only if a payload was parsed as markup (described). */
  injectedElements: string[]
}

/** Where a payload ran: its number, or a dialog's message. */
export interface ScriptRuns {
  calls: number[]
  dialogs: string[]
}

/**
 * Exposes `__xss` in every page and frame of the context and listens to dialogs.
 *
 * @example
 * ```ts
 * const runs = await watchForScripts(context)
 * runs.calls // [] unless a payload executed
 * ```
 */
export async function watchForScripts(context: BrowserContext): Promise<ScriptRuns> {
  const runs: ScriptRuns = { calls: [], dialogs: [] }
  await context.exposeBinding('__xss', (_source, n: unknown) => {
    runs.calls.push(Number(n))
  })
  context.on('page', (page) => {
    page.on('dialog', (dialog) => {
      runs.dialogs.push(dialog.message())
      void dialog.dismiss()
    })
  })
  return runs
}

/**
 * Visits `url` (until its load event), then reads the page.
 *
 * @example
 * ```ts
 * const { shownAsText } = await inspectPage(page, 'http://127.0.0.1:3000/env/fuzz/queries')
 * ```
 */
export async function inspectPage(page: Page, url: string): Promise<PageInspection> {
  const response = await page.goto(url, { waitUntil: 'load' })
  // give hydration, and an injected <img onerror> or <svg onload>, the moment they need
  await page.waitForTimeout(300)
  const found = await page.evaluate(() => {
    const injected: string[] = []
    for (const element of Array.from(document.querySelectorAll('*'))) {
      for (const attribute of Array.from(element.attributes)) {
        const name = attribute.name.toLowerCase()
        const value = attribute.value
        if (name.startsWith('on') && value.includes('__xss')) injected.push(`<${element.localName} ${name}>`)
        if (name === 'srcdoc') injected.push(`<${element.localName} srcdoc>`)
        if ((name === 'href' || name === 'src' || name === 'action') && /^\s*javascript:/i.test(value)) {
          injected.push(`<${element.localName} ${name}="${value.slice(0, 40)}">`)
        }
      }
      if (element.localName === 'script' && /^\s*(parent\.)?__xss\(\d+\)\s*$/.test(element.textContent ?? '')) {
        injected.push('<script>__xss(...)</script>')
      }
    }
    const numbers = (text: string) => Array.from(text.matchAll(/__xss\((\d+)\)/g), (match) => Number(match[1]))
    // biome-ignore lint/performance/useDomNodeTextContent: what is visible (rendered) is the point here
    const shown = numbers(document.body.innerText)
    const present: number[] = []
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
      if (node.parentElement?.closest('script, style, template') === null)
        present.push(...numbers(node.textContent ?? ''))
    }
    return { injected, shown: [...new Set(shown)], present: [...new Set(present)], title: document.title }
  })
  if (/__xss\(/.test(found.title))
    found.shown.push(...Array.from(found.title.matchAll(/__xss\((\d+)\)/g), (m) => Number(m[1])))
  return {
    path: new URL(url).pathname + new URL(url).search,
    status: response?.status() ?? 0,
    shownAsText: found.shown,
    presentAsText: found.present,
    injectedElements: found.injected,
  }
}
