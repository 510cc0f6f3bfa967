/**
 * A large stream of varied bytes for storage tests, generated chunk by chunk (never one big buffer),
 * with the SHA-256 of everything it produced so a read-back can be compared.
 *
 * @example
 * ```ts
 * const { stream, digest } = generatedStream(200 * 1024 * 1024, 64 * 1024)
 * await storage.save('big.bin', stream)
 * expect(sha256(await readBack())).toBe(digest())
 * ```
 */
import { createHash, randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'

const MIB = 1024 * 1024

export function generatedStream(total: number, chunkSize: number): { stream: Readable; digest(): string } {
  // views into one random block at shifting offsets: every chunk differs, none is a new allocation
  const pattern = randomBytes(MIB + chunkSize)
  const hash = createHash('sha256')
  let produced = 0
  const stream = new Readable({
    read() {
      if (produced >= total) {
        this.push(null)
        return
      }
      const offset = ((produced / chunkSize) * 4099) % MIB
      const chunk = pattern.subarray(offset, offset + chunkSize)
      produced += chunkSize
      hash.update(chunk)
      this.push(chunk)
    },
  })
  return { stream, digest: () => hash.digest('hex') }
}
