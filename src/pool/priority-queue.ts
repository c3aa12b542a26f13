/** Min-heap by (priority, insertion order): equal priorities stay first-in, first-out. */
export class PriorityQueue<T> {
  private heap: { key: number; seq: number; value: T }[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(value: T, key: number): void {
    this.heap.push({ key, seq: this.seq++, value });
    let i = this.heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  peek(): T | undefined {
    return this.heap[0]?.value;
  }

  pop(): T | undefined {
    const top = this.heap[0];
    if (!top) return undefined;
    const last = this.heap.pop()!;
    if (this.heap.length) {
      this.heap[0] = last;
      this.sift(0);
    }
    return top.value;
  }

  /** Removes the first entry matching `pred`; O(n), used only for cancellation. */
  remove(pred: (v: T) => boolean): boolean {
    const i = this.heap.findIndex((e) => pred(e.value));
    if (i < 0) return false;
    const last = this.heap.pop()!;
    if (i < this.heap.length) {
      this.heap[i] = last;
      this.sift(i);
      let j = i;
      while (j > 0 && this.less(j, (j - 1) >> 1)) {
        this.swap(j, (j - 1) >> 1);
        j = (j - 1) >> 1;
      }
    }
    return true;
  }

  private sift(i: number): void {
    const n = this.heap.length;
    for (;;) {
      const l = 2 * i + 1,
        r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private less(a: number, b: number): boolean {
    const x = this.heap[a],
      y = this.heap[b];
    return x.key !== y.key ? x.key < y.key : x.seq < y.seq;
  }

  private swap(a: number, b: number): void {
    [this.heap[a], this.heap[b]] = [this.heap[b], this.heap[a]];
  }
}
