/**
 * A real S3-compatible server for tests: s3rver on 127.0.0.1, a free port, its data in a temp dir
 * of its own, with one bucket created. It accepts the credentials `S3RVER` / `S3RVER` and refuses
 * expired presigned URLs, but neither recomputes SigV4 signatures nor enforces ACLs; it supports
 * multipart uploads. Start it inside the test files that need it.
 *
 * @example
 * ```ts
 * let s3: TestS3Server
 * beforeAll(async () => { s3 = await startS3Server('uploads') })
 * afterAll(() => s3.stop())
 * new S3Storage({ bucket: s3.bucket, endpoint: s3.endpoint, ...s3.credentials, region: 'us-east-1' })
 * ```
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A running test S3 server. */
export interface TestS3Server {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string
  readonly bucket: string
  /** The credentials the server accepts. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string }
  /** The directory holding the bucket's objects. */
  readonly directory: string
  /** Closes the server and removes its data. */
  stop(): Promise<void>
}

interface S3rverInstance {
  run(): Promise<AddressInfo>
  close(): Promise<void>
}

type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance

/** Starts s3rver on a free loopback port with `bucket` created. */
export async function startS3Server(bucket = 'dorm-test'): Promise<TestS3Server> {
  const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass
  const directory = await mkdtemp(join(tmpdir(), 'dorm-s3rver-'))
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: [{ name: bucket, configs: [] }],
  })
  const address = await server.run()
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    bucket,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    directory,
    async stop() {
      await server.close()
      await rm(directory, { recursive: true, force: true })
    },
  }
}
