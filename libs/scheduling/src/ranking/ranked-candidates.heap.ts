/**
 * A min-heap of candidates by (score, order): the best-ranked candidate on top, the lowest order
 * (the planner uses the node id order) on equal scores. Placing a replica changes only the chosen
 * node's score, so the planner pops the best, places, and pushes that node back with its new
 * score: O(log n) per placement instead of a scan over every node.
 */
export class RankedCandidates<C> {
  private constructor(
    private readonly items: C[],
    private readonly scores: number[],
    private readonly orders: number[],
  ) {
    for (let i = (items.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  /** Builds the heap in O(n) (Floyd) from parallel arrays, which it takes over and reorders. */
  static of<C>(items: C[], scores: number[], orders: number[]): RankedCandidates<C> {
    return new RankedCandidates<C>(items, scores, orders);
  }

  get size(): number {
    return this.items.length;
  }

  push(item: C, score: number, order: number): void {
    this.items.push(item);
    this.scores.push(score);
    this.orders.push(order);
    this.up(this.items.length - 1);
  }

  /** Removes and returns the best candidate, or `undefined` when empty. */
  pop(): C | undefined {
    const last = this.items.length - 1;
    if (last < 0) return undefined;
    const top = this.items[0];
    this.swap(0, last);
    this.items.pop();
    this.scores.pop();
    this.orders.pop();
    this.down(0);
    return top;
  }

  private before(i: number, j: number): boolean {
    const a = this.scores[i] as number;
    const b = this.scores[j] as number;
    return a < b || (a === b && (this.orders[i] as number) < (this.orders[j] as number));
  }

  private swap(i: number, j: number): void {
    const item = this.items[i] as C;
    this.items[i] = this.items[j] as C;
    this.items[j] = item;
    const score = this.scores[i] as number;
    this.scores[i] = this.scores[j] as number;
    this.scores[j] = score;
    const order = this.orders[i] as number;
    this.orders[i] = this.orders[j] as number;
    this.orders[j] = order;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let best = i;
      if (left < n && this.before(left, best)) best = left;
      if (right < n && this.before(right, best)) best = right;
      if (best === i) return;
      this.swap(i, best);
      i = best;
    }
  }
}
