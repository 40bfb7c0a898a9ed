/**
 * The CRC-32s a stream ZIP's downloads have learned, kept with the job in
 * storage. A CRC is a fact about the pinned version of a source, so
 * concurrent downloads that save at once can only add the same values: each
 * save merges with what is stored instead of overwriting it.
 */
import type { BlobStore } from '../../adapters/blob-store';
import { FetchError } from '../../core/fetch';

interface Saved {
  readonly v: 1;
  readonly crcs: readonly (number | null)[];
}

export class CrcCache {
  private dirty = false;

  private constructor(
    private readonly blobs: Pick<BlobStore, 'findJson' | 'putJson'>,
    private readonly key: string,
    private readonly crcs: (number | null)[],
  ) {}

  static async load(blobs: Pick<BlobStore, 'findJson' | 'putJson'>, key: string, count: number): Promise<CrcCache> {
    const saved = await readSaved(blobs, key);
    const crcs = saved?.v === 1 && saved.crcs.length === count ? [...saved.crcs] : new Array<number | null>(count).fill(null);
    return new CrcCache(blobs, key, crcs);
  }

  get(entry: number): number | undefined {
    return this.crcs[entry] ?? undefined;
  }

  /** Records a CRC just computed; one that contradicts a known CRC means the source's bytes changed under the same validator. */
  learn(entry: number, crc: number): void {
    const known = this.crcs[entry];
    if (known !== null && known !== undefined && known !== crc) throw FetchError.changed();
    if (known === crc) return;
    this.crcs[entry] = crc;
    this.dirty = true;
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    const stored = await readSaved(this.blobs, this.key);
    const merged = this.crcs.map((c, i) => c ?? (stored?.v === 1 ? (stored.crcs[i] ?? null) : null));
    await this.blobs.putJson(this.key, { v: 1, crcs: merged } satisfies Saved);
    this.dirty = false;
  }
}

/** What is stored, or nothing: a cache that cannot be read (missing, or caught mid-write) is only learned again. */
async function readSaved(blobs: Pick<BlobStore, 'findJson'>, key: string): Promise<Saved | undefined> {
  const saved = await blobs.findJson<Saved>(key).catch(() => undefined);
  return saved?.v === 1 && Array.isArray(saved.crcs) ? saved : undefined;
}
