/**
 * The environments the pages switch between.
 *
 * @example
 * ```ts
 * const names = await environmentNames() // ['production', 'staging']
 * ```
 */
import { ensureDatabase } from '../db'
import { Environment } from '../models'

/**
 * Every environment name, sorted.
 *
 * @example
 * ```ts
 * <EnvSwitcher environments={await environmentNames()} current="production" />
 * ```
 */
export async function environmentNames(): Promise<string[]> {
  await ensureDatabase()
  const names = (await Environment.objects.orderBy('name').valuesList('name', { flat: true })) as string[]
  return names
}

/**
 * Whether an environment exists (pages answer 404 for unknown ones).
 *
 * @example
 * ```ts
 * if (!(await environmentExists(env))) notFound()
 * ```
 */
export async function environmentExists(name: string): Promise<boolean> {
  await ensureDatabase()
  return Environment.objects.filter({ name }).exists()
}
