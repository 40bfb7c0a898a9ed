/**
 * Remaining capacities of up to `count` bins in a max segment tree, so that
 * first-fit ("the first bin with room") is one O(log n) descent instead of a
 * scan over every open bin. Bins not opened yet hold the full capacity, so
 * the first of them is found exactly when no open bin has room.
 */
export class CapacityTree {
  private readonly leaves: number;
  private readonly tree: Float64Array;

  constructor(count: number, capacity: number) {
    let leaves = 1;
    while (leaves < count) leaves *= 2;
    this.leaves = leaves;
    this.tree = new Float64Array(2 * leaves).fill(-1);
    this.tree.fill(capacity, leaves, leaves + count);
    for (let i = leaves - 1; i >= 1; i--) this.tree[i] = Math.max(this.tree[2 * i]!, this.tree[2 * i + 1]!);
  }

  /** Puts `weight` into the first bin with room for it; returns that bin's number, or -1 if none has room. */
  place(weight: number): number {
    const tree = this.tree;
    if (tree[1]! < weight) return -1;
    let node = 1;
    while (node < this.leaves) node = tree[2 * node]! >= weight ? 2 * node : 2 * node + 1;
    tree[node] = tree[node]! - weight;
    for (let i = node >> 1; i >= 1; i >>= 1) tree[i] = Math.max(tree[2 * i]!, tree[2 * i + 1]!);
    return node - this.leaves;
  }
}
