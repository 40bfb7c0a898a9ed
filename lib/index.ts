/** The package's entry point for CDK users: the construct to embed, and the ready-made stack. */
export { ZipJobs, type ZipJobsProps } from './zipjobs';
export { ZipjobsStack, type ZipjobsStackProps } from './zipjobs-stack';
export { DEFAULT_ALARM_THRESHOLDS, type AlarmThresholds } from './constructs/monitoring';
export type { Plan } from '../lambdas/core/plans';
