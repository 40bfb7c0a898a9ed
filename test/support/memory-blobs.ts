import type { BlobStore } from '../../lambdas/adapters/blob-store';

const missing = () => Object.assign(new Error('missing'), { name: 'NoSuchKey' });

/**
 * An in-memory BlobStore over `objects`: a JSON document is kept as its
 * parsed copy (so the test reads and plants values directly), bytes as a
 * copy; a missing key fails as S3's NoSuchKey does. Presigned URLs are not
 * served.
 */
export function memoryBlobStore(objects = new Map<string, unknown>()): BlobStore {
  const bytes = (key: string): Uint8Array => {
    const value = objects.get(key);
    if (value === undefined) throw missing();
    return value instanceof Uint8Array ? value : Buffer.from(JSON.stringify(value));
  };
  return {
    putJson: async (key, value) => void objects.set(key, JSON.parse(JSON.stringify(value))),
    getJson: async <T>(key: string) => {
      if (!objects.has(key)) throw missing();
      return objects.get(key) as T;
    },
    findJson: async <T>(key: string) => objects.get(key) as T | undefined,
    getBytes: async (key) => new Uint8Array(bytes(key)),
    putBytes: async (key, data) => void objects.set(key, new Uint8Array(data)),
    getText: async (key) => Buffer.from(bytes(key)).toString('utf8'),
    objectSize: async (key) => (objects.has(key) ? bytes(key).byteLength : undefined),
    deleteObjects: async (keys) => keys.forEach((k) => objects.delete(k)),
    presignDownload: async () => {
      throw new Error('no presigned URLs in memory');
    },
    presignUpload: async () => {
      throw new Error('no presigned URLs in memory');
    },
  };
}
