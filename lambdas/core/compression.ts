/**
 * `compression: "auto"`: store what is already compressed (deflating it again
 * costs CPU and gains nothing), deflate the rest.
 */
const COMPRESSED_EXTENSIONS = new Set([
  // images
  'jpg', 'jpeg', 'png', 'gif', 'webp', 'avif', 'heic', 'heif', 'jxl',
  // audio and video
  'mp3', 'aac', 'm4a', 'ogg', 'oga', 'opus', 'flac', 'wma', 'mp4', 'm4v', 'mov', 'mkv', 'webm', 'avi', 'wmv', 'flv', '3gp',
  // archives and compressed data
  'zip', 'gz', 'tgz', 'bz2', 'tbz2', 'xz', 'txz', 'zst', 'lz', 'lzma', 'lz4', 'br', '7z', 'rar', 'cab', 'jar', 'war', 'apk', 'dmg',
  // documents that are ZIP or compressed containers
  'pdf', 'docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp', 'epub', 'woff', 'woff2',
]);

const COMPRESSED_TYPES = [/^image\/(jpeg|png|gif|webp|avif|heic|heif)$/, /^video\//, /^audio\/(?!wav|x-wav|aiff)/, /^application\/(zip|gzip|x-gzip|x-bzip2|x-xz|zstd|x-7z-compressed|vnd\.rar|pdf|epub\+zip)$/, /^font\/woff2?$/];

export type Method = 'store' | 'deflate';

export function chooseMethod(setting: 'auto' | 'store' | 'deflate', entryName: string, contentType?: string): Method {
  if (setting !== 'auto') return setting;
  const base = entryName.slice(entryName.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
  if (COMPRESSED_EXTENSIONS.has(ext)) return 'store';
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type && COMPRESSED_TYPES.some((re) => re.test(type))) return 'store';
  return 'deflate';
}
