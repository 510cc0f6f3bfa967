import { describe, expect, it } from 'vitest'
import { ImproperlyConfigured } from '../../errors.js'
import { resolveTelemetryOptions } from './telemetry-options.js'

const base = { endpoint: 'https://dash.example.com', token: 'dk_ingest_x', service: 'api' }

describe('startTelemetry options', () => {
  it('append the ingest path to a base URL and apply the defaults', () => {
    const resolved = resolveTelemetryOptions(base)
    expect(resolved).toMatchObject({
      url: 'https://dash.example.com/api/v1/ingest',
      intervalMs: 10_000,
      sampleRate: 0.01,
      maxQueueItems: 10_000,
      slowRequestMs: 1000,
    })
    expect(resolveTelemetryOptions({ ...base, endpoint: 'http://h:3000/dash/' }).url).toBe(
      'http://h:3000/dash/api/v1/ingest',
    )
    expect(resolveTelemetryOptions({ ...base, endpoint: 'http://h/api/v1/ingest' }).url).toBe('http://h/api/v1/ingest')
  })

  it('name the bad option, what was given and what to pass', () => {
    expect(() => resolveTelemetryOptions({ ...base, endpoint: 'ftp://x' })).toThrow(ImproperlyConfigured)
    expect(() => resolveTelemetryOptions({ ...base, endpoint: 'nope' })).toThrow(
      /endpoint must be .*http\(s\) URL.*got 'nope'/,
    )
    expect(() => resolveTelemetryOptions({ ...base, token: '' })).toThrow(/token must be/)
    expect(() => resolveTelemetryOptions({ ...base, service: '' })).toThrow(/service must be/)
    expect(() => resolveTelemetryOptions({ ...base, intervalS: 0 })).toThrow(/intervalS must be .*got 0/)
    expect(() => resolveTelemetryOptions({ ...base, sampleRate: 2 })).toThrow(/sampleRate must be a share from 0 to 1/)
    expect(() => resolveTelemetryOptions({ ...base, maxQueueItems: 10.5 })).toThrow(/maxQueueItems must be an integer/)
    expect(() => resolveTelemetryOptions({ ...base, validate: 'some' as 'all' })).toThrow(/validate must be/)
  })
})
