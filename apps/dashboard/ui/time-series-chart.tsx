'use client'
/**
 * A time-series line chart (recharts): one line per series key, optional vertical markers (deploys)
 * and a horizontal reference (the pool max).
 *
 * @example
 * ```tsx
 * <TimeSeriesChart
 *   data={[{ t: 1767225600000, inUse: 2, waiting: 18 }]}
 *   lines={[{ key: 'inUse', label: 'in use' }, { key: 'waiting', label: 'waiting' }]}
 *   markers={[{ t: 1767225600000, label: 'deploy abc1234' }]}
 * />
 * ```
 */
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts'

/** One line of the chart. */
export interface ChartLine {
  key: string
  label: string
  color?: string
}

/** Props of {@link TimeSeriesChart}. */
export interface TimeSeriesChartProps {
  /** Points with `t` (epoch ms) and one number per line key. */
  data: ReadonlyArray<Record<string, number | null>>
  lines: readonly ChartLine[]
  markers?: ReadonlyArray<{ t: number; label: string }>
  /** Unit shown after values in the tooltip (e.g. 'ms'). */
  unit?: string
  height?: number
  /** Accessible name of the chart. */
  title: string
}

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4b5563']

function tick(t: number): string {
  const iso = new Date(t).toISOString()
  return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`
}

/** The chart (see the module doc). */
export function TimeSeriesChart({ data, lines, markers = [], unit = '', height = 240, title }: TimeSeriesChartProps) {
  return (
    <figure className="chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      <ResponsiveContainer width="100%" height={height}>
        <LineChart data={[...data]} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
          <XAxis
            dataKey="t"
            type="number"
            domain={['dataMin', 'dataMax']}
            scale="time"
            tickFormatter={tick}
            fontSize={11}
          />
          <YAxis fontSize={11} width={48} />
          <Tooltip
            labelFormatter={(t) => `${tick(Number(t))} UTC`}
            formatter={(value) => `${String(value)}${unit ? ` ${unit}` : ''}`}
          />
          <Legend />
          {lines.map((line, i) => (
            <Line
              key={line.key}
              type="linear"
              dataKey={line.key}
              name={line.label}
              stroke={line.color ?? PALETTE[i % PALETTE.length]}
              dot={false}
              isAnimationActive={false}
              connectNulls
            />
          ))}
          {markers.map((marker) => (
            <ReferenceLine
              key={`${marker.t}-${marker.label}`}
              x={marker.t}
              stroke="#9333ea"
              strokeDasharray="4 2"
              label={{ value: marker.label, fontSize: 10, position: 'insideTopLeft' }}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  )
}
