/**
 * What BuildZip needs from the world besides the job store: sources
 * (`SourceOpener`, in `core/sources`), a place for the ZIP (`ZipSinks`) and
 * one for checkpoints (`BuildStorage`, in `./checkpoint`). Adapters are
 * wired to them by the handler; a new sink is a new `ZipSinks`.
 */
import type { Bin, Job } from '../../core/jobs/model';
import type { PartUploads, ResumableSinkState, ResumableZipSink } from '../../core/zip';

export type { PartUploads };

export interface ZipRef {
  readonly zip_id: string;
  readonly sequence: number;
  readonly bin_key: string;
}

export interface SinkOpening {
  /** The upload an earlier run created, and where that run's sink stood when it saved (absent: nothing written yet). */
  readonly resume?: { readonly uploadId?: string; readonly saved?: { readonly state: ResumableSinkState; readonly data: Uint8Array } };
  /** Called (and awaited before any bytes are stored) once a new upload exists: recorded at once for recovery. */
  readonly onUploadCreated: (uploadId: string) => Promise<void>;
  /** One segment of an archive built in segments: parts of `partSize` into the shared upload, the first one numbered `firstPart` at archive offset `start`. */
  readonly segment?: { readonly uploadId: string; readonly partSize: number; readonly firstPart: number; readonly start: number };
}


/** Where ZIPs go: the service's bucket, a tenant's bucket… */
export interface ZipSinks {
  /**
   * The sink for ZIP `ref` of `job`, fresh or positioned where `opening.resume`
   * says. Throws `BucketUnavailableError` when its destination is gone for good.
   */
  open(job: Job, ref: ZipRef, bin: Bin, opening: SinkOpening): Promise<ResumableZipSink>;
  /** The upload of ZIP `ref` call by call, for a build in segments; absent where the storage cannot take one. */
  parts?(job: Job, ref: ZipRef, bin: Bin): Promise<PartUploads>;
  /** Aborts an upload a build left behind when it failed outside its own handling; a no-op where lifecycle rules clean up. */
  abandon(job: Job, ref: ZipRef, bin: Bin, uploadId: string): Promise<void>;
}
