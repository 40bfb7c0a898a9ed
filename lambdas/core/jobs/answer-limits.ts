/**
 * Bounds on what one answer carries, whatever the job's size: Lambda's
 * response payload is 6 MB (the JSON body is escaped once more inside it),
 * and a DynamoDB item 400 KB, so a job's lists are shown in part and paged.
 */
export const ANSWER_LIMITS = {
  /** `GET /jobs/:id` and a page of `GET /jobs/:id/files`: bytes of JSON at most. */
  bytes: 5_000_000,
  /** Errors shown inline at most (job level, and per ZIP among those). */
  errors: 1000,
  /**
   * Bytes of JSON the inline file errors take at most (URLs run up to 8 KB).
   * A ZIP's are shown twice (in `errors` and in its own), so the answer but for `files` stays under 1 MB.
   */
  errorBytes: 400_000,
  /** Entries of a page of `/errors` or `/files`: default and most. */
  pageItems: 1000,
} as const;
