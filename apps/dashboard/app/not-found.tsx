import Link from 'next/link'

/** Unknown page, environment, template or deploy. */
export default function NotFound() {
  return (
    <section className="empty">
      <h1>Not found</h1>
      <p>
        No such page, environment, template or deploy. Back to the <Link href="/">fleet</Link>.
      </p>
    </section>
  )
}
