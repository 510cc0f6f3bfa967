/**
 * A first-in first-out queue with O(1) push and shift (a singly linked list), for pool waiters:
 * `Array#shift` is O(n) and made long pg-pool queues quadratic.
 *
 * @example
 * ```ts
 * const q = new FifoQueue<string>()
 * q.push('a'); q.push('b')
 * q.shift() // 'a'
 * ```
 */
export class FifoQueue<T> {
  #head: QueueNode<T> | undefined
  #tail: QueueNode<T> | undefined
  #length = 0

  get length(): number {
    return this.#length
  }

  push(value: T): void {
    const node: QueueNode<T> = { value, next: undefined }
    if (this.#tail === undefined) this.#head = node
    else this.#tail.next = node
    this.#tail = node
    this.#length++
  }

  shift(): T | undefined {
    const node = this.#head
    if (node === undefined) return undefined
    this.#head = node.next
    if (this.#head === undefined) this.#tail = undefined
    this.#length--
    return node.value
  }

  peek(): T | undefined {
    return this.#head?.value
  }
}

interface QueueNode<T> {
  value: T
  next: QueueNode<T> | undefined
}
