'use client'
/**
 * The time-range picker: a select of presets that writes `?range=` into the URL (dropping a custom
 * from/to), so the range is shareable and survives reloads.
 *
 * @example
 * ```tsx
 * <RangePicker current="24h" presets={['1h', '24h', '7d']} />
 * ```
 */
import { usePathname, useRouter, useSearchParams } from 'next/navigation'

/** Props of {@link RangePicker}. */
export interface RangePickerProps {
  /** The range shown now: a preset, or 'custom' for from/to. */
  current: string
  presets: readonly string[]
}

/** The picker (see the module doc). */
export function RangePicker({ current, presets }: RangePickerProps) {
  const router = useRouter()
  const pathname = usePathname()
  const searchParams = useSearchParams()
  return (
    <label className="picker">
      <span>Range</span>
      <select
        data-testid="range-picker"
        aria-label="Time range"
        value={current}
        onChange={(event) => {
          const params = new URLSearchParams(searchParams.toString())
          params.delete('from')
          params.delete('to')
          params.set('range', event.target.value)
          router.push(`${pathname}?${params.toString()}`)
        }}
      >
        {current === 'custom' ? <option value="custom">custom</option> : null}
        {presets.map((preset) => (
          <option key={preset} value={preset}>
            last {preset}
          </option>
        ))}
      </select>
    </label>
  )
}
