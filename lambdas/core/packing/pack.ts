/**
 * Auto-split (docs/API.md "Auto-split"): files into bins, one bin per ZIP, each
 * bin's ZIP within max_zip_size_bytes by the budget of ./budget. Pure and
 * fast: 20,000 files pack in a few milliseconds.
 */
import type { ZipMethod } from '../zip/layout';
import { ARCHIVE_OVERHEAD, entryBudget, nameBudget } from './budget';
import { CapacityTree } from './capacity-tree';

export type SplitStrategy = 'preserve-order' | 'ffd';

export interface PackItem {
  /** The file's position in the job; bins list these. */
  readonly index: number;
  /** Probed size; absent when it could not be learned. */
  readonly size?: number;
  /** The method to budget for: DEFLATE whenever BuildZip might deflate. */
  readonly method: ZipMethod;
  /** The client's filename, if given. */
  readonly name?: string;
  /** Named in a rejection. */
  readonly url?: string;
  /**
   * The size is unknown because the probe failed: the file gets a bin of its
   * own even when oversize ZIPs are not allowed (the fetch error surfaces in
   * BuildZip, which also caps the file to what its ZIP has room for).
   */
  readonly probeFailed?: boolean;
}

export interface PackOptions {
  readonly maxZipSize: number;
  readonly strategy: SplitStrategy;
  readonly allowOversize: boolean;
  /** Whether BuildZip's sink patches local headers; default true (the S3 multipart sink does). */
  readonly patching?: boolean;
}

export interface RejectedFile {
  readonly index: number;
  readonly url?: string;
  readonly reason: 'oversize' | 'unknown-size';
}

/** Bins of file indexes, input order inside each bin; or the files that cannot be packed under the options. */
export type PackResult = { readonly ok: true; readonly bins: number[][] } | { readonly ok: false; readonly rejected: RejectedFile[] };

/** Each item's budget, or -1 for a file that gets a bin of its own (unknown size, or too big for any shared bin). */
function budgets(items: readonly PackItem[], options: PackOptions): Float64Array {
  const ctx = { cap: options.maxZipSize, patching: options.patching ?? true };
  const room = options.maxZipSize - ARCHIVE_OVERHEAD;
  const out = new Float64Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const { size, method, name } = items[i]!;
    const budget = size === undefined ? -1 : entryBudget(size, method, nameBudget(name, items.length), ctx);
    out[i] = budget > room ? -1 : budget;
  }
  return out;
}

/** Next-fit in input order: a new bin starts when the next file does not fit. */
function preserveOrder(items: readonly PackItem[], weights: Float64Array, room: number): number[][] {
  const bins: number[][] = [];
  let current: number[] | undefined;
  let used = 0;
  for (let i = 0; i < items.length; i++) {
    const w = weights[i]!;
    if (w < 0) {
      bins.push([items[i]!.index]);
      current = undefined;
    } else if (current && used + w <= room) {
      current.push(items[i]!.index);
      used += w;
    } else {
      current = [items[i]!.index];
      bins.push(current);
      used = w;
    }
  }
  return bins;
}

/**
 * Indexes of the shared-bin items (budget ≥ 0), largest budget first, equal
 * budgets in input order. Budgets are integers, so (max - budget, position)
 * packs into one exact double whenever it stays below 2^53 (caps up to
 * ~128 GiB at 32,768 files); a native numeric sort of those keys is several
 * times faster than a sort with a comparator, which remains the fallback.
 */
function largestFirst(weights: Float64Array): ArrayLike<number> {
  const members: number[] = [];
  let max = 0;
  for (let i = 0; i < weights.length; i++) {
    if (weights[i]! < 0) continue;
    members.push(i);
    if (weights[i]! > max) max = weights[i]!;
  }
  const scale = 2 ** Math.ceil(Math.log2(members.length + 1));
  if ((max + 1) * scale > Number.MAX_SAFE_INTEGER) return members.sort((a, b) => weights[b]! - weights[a]! || a - b);
  const keys = new Float64Array(members.length);
  for (let j = 0; j < members.length; j++) keys[j] = (max - weights[members[j]!]!) * scale + j;
  keys.sort();
  const order = new Uint32Array(members.length);
  for (let j = 0; j < keys.length; j++) order[j] = members[keys[j]! % scale]!;
  return order;
}

/** First-fit decreasing; bins come out ordered by their first file, entries in input order. */
function firstFitDecreasing(items: readonly PackItem[], weights: Float64Array, room: number): number[][] {
  const order = largestFirst(weights);
  const tree = new CapacityTree(order.length, room);
  const binOf = new Int32Array(items.length).fill(-1);
  for (let j = 0; j < order.length; j++) binOf[order[j]!] = tree.place(weights[order[j]!]!);

  const bins: number[][] = [];
  const outputOf = new Int32Array(order.length).fill(-1);
  for (let i = 0; i < items.length; i++) {
    const b = binOf[i]!;
    if (b < 0) bins.push([items[i]!.index]);
    else if (outputOf[b]! < 0) outputOf[b] = bins.push([items[i]!.index]) - 1;
    else bins[outputOf[b]!]!.push(items[i]!.index);
  }
  return bins;
}

export function packFiles(items: readonly PackItem[], options: PackOptions): PackResult {
  const weights = budgets(items, options);
  if (!options.allowOversize) {
    const rejected: RejectedFile[] = [];
    items.forEach((item, i) => {
      if (weights[i]! >= 0 || item.probeFailed) return;
      const reason = item.size === undefined ? 'unknown-size' : 'oversize';
      rejected.push({ index: item.index, ...(item.url !== undefined && { url: item.url }), reason });
    });
    if (rejected.length > 0) return { ok: false, rejected };
  }
  const room = options.maxZipSize - ARCHIVE_OVERHEAD;
  const ordered = preserveOrder(items, weights, room);
  if (options.strategy === 'preserve-order') return { ok: true, bins: ordered };
  // FFD is not always at least as good as next-fit (e.g. sizes 51,27,26,23 ×6,6,6,12 in bins of 100:
  // FFD 11, input order 9); "ffd" promises the fewest bins, so it never returns more than preserve-order.
  const ffd = firstFitDecreasing(items, weights, room);
  return { ok: true, bins: ffd.length <= ordered.length ? ffd : ordered };
}
