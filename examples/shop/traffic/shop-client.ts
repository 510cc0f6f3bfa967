/**
 * One HTTP client for the shop's endpoints, as a shopper and an operator would use them: each call
 * records its answer under the endpoint's route template.
 *
 * @example
 * ```ts
 * const client = new ShopClient('http://127.0.0.1:8000', new TrafficRecorder(), signal)
 * await client.discover()
 * await client.placeOrder()
 * ```
 */
import type { TrafficRecorder } from './traffic-stats.js'

/** Most time one request may take before it counts as an error. */
const REQUEST_TIMEOUT_MS = 15_000

/** A tiny PNG-like payload for image uploads (the shop stores any bytes). */
const IMAGE_BYTES = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex')

function pick<T>(items: readonly T[]): T | undefined {
  return items[Math.floor(Math.random() * items.length)]
}

/** Calls the shop and records the answers. */
export class ShopClient {
  readonly productIds: number[] = []
  readonly customerIds: number[] = []
  readonly categories: string[] = []
  readonly orderIds: number[] = []
  /** Bodies sent under each key, so replays send the same body again. */
  readonly #sent = new Map<string, string>()

  constructor(
    readonly baseUrl: string,
    readonly stats: TrafficRecorder,
    readonly signal: AbortSignal,
  ) {}

  /** Sends one request; resolves to the parsed JSON body (or undefined) and never rejects. */
  async call(endpoint: string, path: string, init: RequestInit = {}): Promise<unknown> {
    if (this.signal.aborted) return undefined
    // one controller per request, unlinked from the run's signal when the request ends: on Node 20
    // AbortSignal.any() on a long-lived signal keeps every signal it made alive (nodejs/node#55351)
    const controller = new AbortController()
    const onAbort = () => controller.abort(this.signal.reason)
    this.signal.addEventListener('abort', onAbort, { once: true })
    const timer = setTimeout(
      () => controller.abort(new DOMException('the shop did not answer in time', 'TimeoutError')),
      REQUEST_TIMEOUT_MS,
    )
    try {
      const response = await fetch(new URL(path, this.baseUrl), { ...init, signal: controller.signal })
      const text = await response.text()
      this.stats.record(endpoint, response.status, text)
      if (!(response.headers.get('content-type') ?? '').includes('json')) return undefined
      return JSON.parse(text)
    } catch (err) {
      // a request cut by the end of the run is not an error of the shop
      if (!this.signal.aborted) this.stats.recordError(endpoint, err)
      return undefined
    } finally {
      clearTimeout(timer)
      this.signal.removeEventListener('abort', onAbort)
    }
  }

  /** Learns product, category and customer ids from the catalogue and the naive report. */
  async discover(): Promise<void> {
    for (let page = 1; page <= 5; page++) {
      const body = (await this.call('GET /products', `/products?page=${page}`)) as
        | { products?: { id: number; category: { slug: string } }[] }
        | undefined
      const products = body?.products ?? []
      for (const product of products) {
        this.productIds.push(product.id)
        if (!this.categories.includes(product.category.slug)) this.categories.push(product.category.slug)
      }
      if (products.length < 20) break
    }
    const report = (await this.call('GET /reports/customers-naive', '/reports/customers-naive')) as
      | { rows?: { customer_id: number; order_id: number }[] }
      | undefined
    for (const row of report?.rows ?? []) {
      if (!this.customerIds.includes(row.customer_id)) this.customerIds.push(row.customer_id)
      this.orderIds.push(row.order_id)
    }
  }

  async listProducts(): Promise<void> {
    const category = Math.random() < 0.5 ? pick(this.categories) : undefined
    const page = 1 + Math.floor(Math.random() * 2)
    await this.call('GET /products', `/products?page=${page}${category ? `&category=${category}` : ''}`)
  }

  async showProduct(): Promise<void> {
    const id = pick(this.productIds)
    if (id !== undefined) await this.call('GET /products/:id', `/products/${id}`)
  }

  /** A new order, or (one time in ten) a replay of an earlier one with the same key and body. */
  async placeOrder(): Promise<void> {
    const customer = pick(this.customerIds)
    const product = pick(this.productIds)
    if (customer === undefined || product === undefined) return
    const replay = Math.random() < 0.1 ? pick([...this.#sent.keys()]) : undefined
    const key = replay ?? `traffic-${crypto.randomUUID()}`
    const body =
      (replay && this.#sent.get(replay)) ??
      JSON.stringify({
        customer_id: customer,
        lines: [{ product_id: product, quantity: 1 + Math.floor(Math.random() * 2) }],
      })
    if (this.#sent.size < 500) this.#sent.set(key, body)
    const order = (await this.call('POST /orders', '/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body,
    })) as { id?: number } | undefined
    if (typeof order?.id === 'number' && this.orderIds.length < 1000) this.orderIds.push(order.id)
  }

  async showOrder(): Promise<void> {
    const id = pick(this.orderIds)
    if (id !== undefined) await this.call('GET /orders/:id', `/orders/${id}`)
  }

  async uploadImage(): Promise<void> {
    const id = pick(this.productIds)
    if (id === undefined) return
    await this.call('POST /products/:id/image', `/products/${id}/image?filename=traffic.png`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: IMAGE_BYTES,
    })
  }

  async hold(ms: number): Promise<void> {
    await this.call('GET /reports/hold', `/reports/hold?ms=${ms}`)
  }
}
