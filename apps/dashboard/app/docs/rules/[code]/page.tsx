/**
 * `/docs/rules/[code]`: the page of one lint rule (`docs/rules/DORM-M003.md` of the repository,
 * or of DASHBOARD_DOCS_DIR), shown as text, so the deploy page's finding codes link somewhere.
 */
import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { notFound } from 'next/navigation'
import { requireSession } from '../../../../lib/auth'

export const dynamic = 'force-dynamic'

function docsDir(): string {
  return process.env.DASHBOARD_DOCS_DIR ?? resolve(process.cwd(), '../../docs')
}

/** The rule page. */
export default async function RuleDocsPage({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params
  if (!/^DORM-M\d{3}$/.test(code)) notFound()
  await requireSession(`/docs/rules/${code}`)
  let text: string
  try {
    text = await readFile(join(docsDir(), 'rules', `${code}.md`), 'utf8')
  } catch {
    return (
      <section className="empty">
        <h1>{code}</h1>
        <p>
          The rule docs are not installed next to this dashboard (looked in <code>{join(docsDir(), 'rules')}</code>; set
          DASHBOARD_DOCS_DIR to the repository&apos;s <code>docs</code> folder).
        </p>
      </section>
    )
  }
  return (
    <article>
      <h1>{code}</h1>
      <pre data-testid="rule-docs">
        <code>{text}</code>
      </pre>
    </article>
  )
}
