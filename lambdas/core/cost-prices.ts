/**
 * AWS's public on-demand prices the cost model uses: us-east-1 (N. Virginia),
 * as published on 2026-12-02 on each service's pricing page (listed in
 * docs/COSTS.md). First-tier rates, no free tier: a team with a free tier or
 * volume discounts pays less. Prices change; pass your own to `jobCost`.
 */
export interface Prices {
  /** When and where these prices were read. */
  readonly asOf: string;
  readonly region: string;
  /** Lambda, Arm (the functions' architecture): per GB-second of duration, and per request. */
  readonly lambdaGbSecond: number;
  readonly lambdaRequest: number;
  /** Step Functions Standard: per state transition. */
  readonly stateTransition: number;
  /** S3 Standard: PUT, COPY, POST and LIST requests; GET, HEAD and other requests (DELETE is free); storage per GB-month. */
  readonly s3WriteRequest: number;
  readonly s3ReadRequest: number;
  readonly s3GbMonth: number;
  /** DynamoDB on-demand: per write request unit (1 KB) and read request unit (4 KB, strongly consistent). */
  readonly dynamoWriteUnit: number;
  readonly dynamoReadUnit: number;
  /** API Gateway REST API: per request (first 333 million a month). */
  readonly apiRequest: number;
  /** EventBridge: per custom event put on a bus. */
  readonly busEvent: number;
  /** Data transfer out to the internet, per GB (first 10 TB a month). */
  readonly egressGb: number;
}

const perMillion = (usd: number) => usd / 1_000_000;
const perThousand = (usd: number) => usd / 1_000;

export const US_EAST_1_PRICES: Prices = {
  asOf: '2026-12-02',
  region: 'us-east-1',
  lambdaGbSecond: 0.0000133334,
  lambdaRequest: perMillion(0.2),
  stateTransition: perThousand(0.025),
  s3WriteRequest: perThousand(0.005),
  s3ReadRequest: perThousand(0.0004),
  s3GbMonth: 0.023,
  dynamoWriteUnit: perMillion(0.625),
  dynamoReadUnit: perMillion(0.125),
  apiRequest: perMillion(3.5),
  busEvent: perMillion(1),
  egressGb: 0.09,
};
