/**
 * The service's absolute bounds (docs/API.md lists them): request schemas
 * check them, builds and uploads hold to them; a tenant's plan may be
 * stricter (checked in the use case).
 */
export const LIMITS = {
  minExpiresIn: 300,
  minZipSize: 104_857_600,
  maxZipSize: 536_870_912_000,
  maxMetadataKeys: 10,
  maxMetadataKeyLength: 128,
  maxMetadataValueLength: 1024,
  maxZipFilenameLength: 255,
  maxUrlLength: 8192,
  maxObjectKeyLength: 1024,
  /** A file list uploaded through `POST /uploads` (`files_from`). */
  maxUploadBytes: 100 * 1024 * 1024,
} as const;
