/**
 * The error a job or a ZIP records when it fails as a whole (not a file's
 * own error): one table for every step that ends one — MarkFailed,
 * MarkZipFailed, WorkflowEnded and the sweeper — so a client sees the same
 * words for the same cause whichever step ended it.
 */
export const JOB_FAILURES = {
  internal: 'the job failed because of an internal error',
  timeout: 'the job timed out',
  stopped: 'the job was stopped',
  lost: "the job's workflow execution was lost",
} as const;

export const ZIP_FAILURES = {
  internal: 'the ZIP could not be built because of an internal error',
  timeout: 'the ZIP build timed out',
} as const;

/** What a step's catcher caught: Step Functions' time limit, or any other fault. */
export function stepFailure(error: { readonly Error?: string } | undefined): 'timeout' | 'internal' {
  return error?.Error === 'States.Timeout' ? 'timeout' : 'internal';
}
