import type { S3Client } from '@aws-sdk/client-s3';
import { attachmentDisposition } from '../../core/content-disposition';
import { MultipartSink, type MultipartSinkOptions } from '../../adapters/multipart-sink';
import { S3PartUploads } from '../../adapters/part-uploads';
import { objectKeys, type Bin, type Job } from '../../core/jobs/model';
import type { ZipRef, ZipSinks } from '../../usecases/build-zip';

/** The object a ZIP is written to, and the sink settings its storage needs. */
export interface ZipTarget {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly key: string;
  readonly sink?: Pick<MultipartSinkOptions, 'uniformPartSize' | 'queueSize'>;
}

/** Where a ZIP goes when not to `zips/` in the service's bucket (a tenant's own bucket); undefined for the service's. */
export type ZipTargets = (job: Job, ref: ZipRef, bin: Bin) => Promise<ZipTarget | undefined>;

/**
 * BuildZip's sinks: multipart uploads to `zips/` in the service's bucket, or
 * to the target `elsewhere` gives (a tenant's bucket).
 */
export function multipartZipSinks(service: { readonly s3: S3Client; readonly bucket: string }, elsewhere?: ZipTargets): ZipSinks {
  const targetOf = async (job: Job, ref: ZipRef, bin: Bin): Promise<ZipTarget> =>
    (await elsewhere?.(job, ref, bin)) ?? { s3: service.s3, bucket: service.bucket, key: objectKeys.zip(job.id, ref.zip_id) };
  return {
    async open(job, ref, bin, { resume, onUploadCreated, segment }) {
      const target = await targetOf(job, ref, bin);
      const uploadId = segment?.uploadId ?? resume?.uploadId;
      const options: MultipartSinkOptions = {
        ...target.sink,
        bucket: target.bucket,
        key: target.key,
        contentDisposition: attachmentDisposition(bin.filename),
        ...(uploadId !== undefined && { uploadId }),
        ...(segment && { uniformPartSize: segment.partSize, firstPart: { number: segment.firstPart, start: segment.start } }),
        onUploadCreated,
      };
      return resume?.saved ? MultipartSink.restore(target.s3, options, resume.saved.state, resume.saved.data) : new MultipartSink(target.s3, options);
    },
    async parts(job, ref, bin) {
      const target = await targetOf(job, ref, bin);
      return new S3PartUploads(target.s3, { bucket: target.bucket, key: target.key, contentDisposition: attachmentDisposition(bin.filename) });
    },
    async abandon(job, ref, bin, uploadId) {
      // The service's bucket has a lifecycle rule for incomplete uploads.
      const target = await elsewhere?.(job, ref, bin);
      if (target) await new MultipartSink(target.s3, { bucket: target.bucket, key: target.key, uploadId }).abort();
    },
  };
}
