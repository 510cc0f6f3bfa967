'use client'
/**
 * A horizontal bar chart (recharts) of one value per label: per-route pool wait, top templates.
 *
 * @example
 * ```tsx
 * <BarChartCard title="Pool wait by route (p95)" unit="ms" bars={[{ label: 'GET /a', value: 120 }]} />
 * ```
 */
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'

/** Props of {@link BarChartCard}. */
export interface BarChartCardProps {
  title: string
  bars: ReadonlyArray<{ label: string; value: number }>
  unit?: string
}

/** The chart (see the module doc). */
export function BarChartCard({ title, bars, unit = '' }: BarChartCardProps) {
  const height = Math.max(120, 28 * bars.length + 40)
  return (
    <figure className="chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      <ResponsiveContainer width="100%" height={height}>
        <BarChart data={[...bars]} layout="vertical" margin={{ top: 4, right: 16, bottom: 4, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
          <XAxis type="number" fontSize={11} />
          <YAxis type="category" dataKey="label" width={220} fontSize={11} />
          <Tooltip formatter={(value) => `${Number(value).toFixed(1)}${unit ? ` ${unit}` : ''}`} />
          <Bar dataKey="value" name={title} fill="#2563eb" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  )
}
