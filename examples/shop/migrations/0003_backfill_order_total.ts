import { migration, RunCode, type RunCodeContext } from '@dorm/engine/migrations'

// Backfill step of expand/backfill/contract (docs/migrations.md; the seed's "data migration in
// chunks"): non-atomic, so every chunk commits on its own and no lock is held for the whole table
// while old and new code run side by side. Re-runnable: only rows still NULL are touched.
const CHUNK = 1000

function placeholder(ctx: RunCodeContext, n: number): string {
  return ctx.connection.vendor === 'postgresql' ? `$${n}` : '?'
}

async function inChunks(ctx: RunCodeContext, setSql: string, where: string): Promise<void> {
  const order = ctx.model('shop.Order').meta.dbTable
  let after = 0
  for (;;) {
    const { rows } = await ctx.execute(
      `SELECT MAX(id) AS upto FROM (SELECT id FROM ${order} WHERE id > ${placeholder(ctx, 1)} ORDER BY id LIMIT ${CHUNK}) AS chunk`,
      [after],
    )
    const upto = rows[0]?.upto
    if (upto === null || upto === undefined) return
    await ctx.execute(
      `UPDATE ${order} SET ${setSql} WHERE id > ${placeholder(ctx, 1)} AND id <= ${placeholder(ctx, 2)} AND ${where}`,
      [after, Number(upto)],
    )
    after = Number(upto)
  }
}

/** Each order's total is the sum of its lines (0 for an order without lines). */
async function backfillTotals(ctx: RunCodeContext): Promise<void> {
  const line = ctx.model('shop.OrderLine').meta.dbTable
  const order = ctx.model('shop.Order').meta.dbTable
  await inChunks(
    ctx,
    `total_cents = COALESCE((SELECT SUM(l.quantity * l.unit_price_cents) FROM ${line} l WHERE l.order_id = ${order}.id), 0)`,
    'total_cents IS NULL',
  )
}

/** Reverse: the column is nullable again at this point of the history, so the totals go back to NULL. */
async function clearTotals(ctx: RunCodeContext): Promise<void> {
  await inChunks(ctx, 'total_cents = NULL', 'total_cents IS NOT NULL')
}

export default migration({
  dependencies: [['shop', '0002_order_total']],
  atomic: false,
  operations: [new RunCode({ code: backfillTotals, reverseCode: clearTotals })],
})
