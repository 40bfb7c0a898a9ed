import { LIMITS } from './limits';
import type { Bin } from './model';

const MiB = 1024 * 1024;
/** Local header, ZIP64 fields, central record and a name of up to 255 characters in UTF-8, with room to spare. */
const PER_ENTRY = 4096;

/**
 * The most bytes a bin's ZIP can take: its files' probed sizes plus headers
 * and DEFLATE's worst case (stored data never grows by more than 1%), or,
 * when a size is unknown, the largest ZIP the service builds at all. A sink
 * whose part size is fixed up front sizes its parts by it.
 */
export function zipSizeBound(bin: Pick<Bin, 'entries'>): number {
  let total = 0;
  for (const entry of bin.entries) {
    if (entry.size === undefined) return LIMITS.maxZipSize;
    total += entry.size;
  }
  return Math.min(LIMITS.maxZipSize, Math.ceil(total * 1.01) + bin.entries.length * PER_ENTRY + MiB);
}
