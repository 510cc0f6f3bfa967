import { afterEach, describe, expect, it } from 'vitest'
import { configure, resetSettings } from '../conf/settings.js'
import { type DoctorReport, formatDoctorReport, runDoctor } from './doctor.js'

describe('formatDoctorReport', () => {
  it('prints the all-clear', () => {
    expect(formatDoctorReport({ warnings: [], notes: [] })).toBe(
      'dorm doctor — 0 warning(s), 0 note(s)\n\neverything looks reasonable — go ship.\n',
    )
  })

  it('prints warnings then notes, each block followed by a blank line', () => {
    const report: DoctorReport = {
      warnings: [
        { code: 'DORM-D001', message: 'w1' },
        { code: 'DORM-D005', message: 'w2' },
      ],
      notes: [{ code: 'DORM-D004', message: 'n1' }],
    }
    expect(formatDoctorReport(report)).toBe(
      'dorm doctor — 2 warning(s), 1 note(s)\n\nwarnings:\n  ! w1\n  ! w2\n\nnotes:\n  · n1\n\n',
    )
    expect(formatDoctorReport({ warnings: [], notes: report.notes })).toBe(
      'dorm doctor — 0 warning(s), 1 note(s)\n\nnotes:\n  · n1\n\n',
    )
  })
})

describe('runDoctor', () => {
  afterEach(() => resetSettings())

  it('is clean for a sane local configuration', async () => {
    configure({ DATABASES: { default: 'sqlite:///db.sqlite3' } })
    expect(await runDoctor({ env: {}, connect: false })).toEqual({ warnings: [], notes: [] })
  })

  it('splits findings into warnings and notes, keeping codes and aliases', async () => {
    configure({
      DATABASES: { default: { URL: 'postgres://app@db.example.com/app', MAX_POOL_SIZE: 2, POOL_CHECK: false } },
      READ_AFTER_WRITE_WINDOW: 0,
    })
    const report = await runDoctor({ env: {}, connect: false })
    expect(report.warnings.map((w) => [w.code, w.alias])).toEqual([
      ['DORM-D001', 'default'],
      ['DORM-D005', 'default'],
    ])
    expect(report.notes.map((n) => n.code)).toEqual(['DORM-D004', 'DORM-D009'])
    expect(Object.keys(report.warnings[0] ?? {})).toEqual(['code', 'message', 'alias'])
  })
})
