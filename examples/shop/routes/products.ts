/**
 * Product routes: the catalogue list (`GET /products?category=<slug>&page=N`), one product
 * (`GET /products/:id`) and the image upload (`POST /products/:id/image`, raw body).
 *
 * Reads go through the routers (the replica); the list runs behind a circuit breaker
 * (docs/resilience.md "Circuit breaker") so a database that keeps failing answers 503 fast
 * instead of piling requests up on timeouts.
 *
 * @example
 * ```ts
 * registerProductRoutes(router)
 * ```
 */
import { Avg, Count, OperationalError, PoolTimeout } from '@dorm/engine'
import { circuitBreaker } from '@dorm/engine/contrib/circuit-breaker'
import { intParam, MAX_UPLOAD_BYTES, readBody } from '../http/request-input.js'
import { badRequest, notFound, sendJson } from '../http/responses.js'
import type { RouteContext, Router } from '../http/router.js'
import { Category, Product, Review } from '../models.js'
import { productJson } from '../serializers.js'
import { PRIMARY } from '../settings.js'

/** Products per page of the list. */
export const PAGE_SIZE = 20

// count only "the database is unreachable or saturated" as failures, not bad input
const catalogueBreaker = circuitBreaker('catalogue', {
  failureThreshold: 5,
  openWindowS: 10,
  isFailure: (err) => err instanceof OperationalError || err instanceof PoolTimeout,
})

/** The `:id` param as a positive integer (400 naming `id` otherwise). */
export function idParam(context: RouteContext): number {
  const raw = context.params.id ?? ''
  const id = Number(raw)
  if (!Number.isInteger(id) || id < 1)
    throw badRequest('id', `id must be a positive integer, got ${JSON.stringify(raw)}`)
  return id
}

async function listProducts({ res, url }: RouteContext): Promise<void> {
  const page = intParam(url.searchParams.get('page'), 'page', { min: 1, max: 10_000, fallback: 1 })
  const slug = url.searchParams.get('category')
  if (slug !== null && !/^[-a-z0-9_]{1,80}$/.test(slug)) {
    throw badRequest('category', `category must be a category slug such as "garden", got ${JSON.stringify(slug)}`)
  }
  const body = await catalogueBreaker.run(async () => {
    let products = Product.objects.selectRelated('category')
    if (slug !== null) {
      if (!(await Category.objects.filter({ slug }).exists())) throw notFound(`no category with slug "${slug}"`)
      products = products.filter({ category__slug: slug })
    }
    const [total, rows] = await Promise.all([
      products.count(),
      products.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE),
    ])
    return { page, page_size: PAGE_SIZE, total, products: await Promise.all(rows.map(productJson)) }
  })
  sendJson(res, 200, body)
}

async function showProduct(context: RouteContext): Promise<void> {
  const id = idParam(context)
  // one JOIN for the category, one query per prefetched relation: never one per row
  const product = await Product.objects.selectRelated('category').prefetchRelated('tags').getOrNone({ pk: id })
  if (product === null) throw notFound(`product ${id} does not exist`)
  const [tags, reviews] = await Promise.all([
    product.tags.all(),
    Review.objects.filter({ product }).aggregate({ count: Count('id'), average: Avg('rating') }),
  ])
  sendJson(context.res, 200, {
    ...(await productJson(product)),
    tags: tags.map((tag) => tag.name),
    reviews: {
      count: Number(reviews.count),
      average_rating: reviews.average === null ? null : Number(reviews.average),
    },
  })
}

async function imageJson(product: Product): Promise<Record<string, unknown>> {
  return { name: product.image.name, url: await product.image.url, size: await product.image.size }
}

function uploadName(context: RouteContext): string {
  const raw = context.url.searchParams.get('filename') ?? context.req.headers['x-filename']
  const name = (Array.isArray(raw) ? raw[0] : raw)?.trim() || 'image.bin'
  if (name.length > 100) throw badRequest('filename', `filename must be at most 100 characters, got ${name.length}`)
  return name
}

async function uploadImage(context: RouteContext): Promise<void> {
  const id = idParam(context)
  const name = uploadName(context)
  const bytes = await readBody(context.req, MAX_UPLOAD_BYTES)
  if (bytes.length === 0)
    throw badRequest('body', 'the request body is the image itself: send its bytes, not an empty body')
  // the write path reads from the primary: the row is saved right after
  const product = await Product.objects.using(PRIMARY).getOrNone({ pk: id })
  if (product === null) throw notFound(`product ${id} does not exist`)
  // docs/storage.md "The value on an instance": stores the bytes (name sanitised), then saves the row
  await product.image.save(name, bytes)
  // read back through the routers: the save above pinned Product reads of this request to the
  // primary for READ_AFTER_WRITE_WINDOW seconds (docs/orm.md), so the replica's stale row never shows
  const saved = await Product.objects.selectRelated('category').get({ pk: id })
  sendJson(context.res, 201, { ...(await productJson(saved)), image: { ...(await imageJson(saved)) } })
}

/**
 * Adds the product routes.
 *
 * @example
 * ```ts
 * registerProductRoutes(new Router())
 * ```
 */
export function registerProductRoutes(router: Router): void {
  router
    .add('GET', '/products', listProducts)
    .add('GET', '/products/:id', showProduct)
    .add('POST', '/products/:id/image', uploadImage)
}
