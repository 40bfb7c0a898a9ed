import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byteRange, rangeStillApplies } from '../../lambdas/core/http-range';

describe('byteRange', () => {
  it('reads the three forms, clipped to the representation', () => {
    expect(byteRange('bytes=0-9', 100)).toEqual({ kind: 'partial', start: 0, end: 10 });
    expect(byteRange('bytes=90-', 100)).toEqual({ kind: 'partial', start: 90, end: 100 });
    expect(byteRange('bytes=-10', 100)).toEqual({ kind: 'partial', start: 90, end: 100 });
    expect(byteRange('bytes=-1000', 100)).toEqual({ kind: 'partial', start: 0, end: 100 });
    expect(byteRange('bytes=50-1000', 100)).toEqual({ kind: 'partial', start: 50, end: 100 });
  });
  it('ignores what it does not serve and refuses ranges past the end', () => {
    expect(byteRange(undefined, 100)).toEqual({ kind: 'whole' });
    expect(byteRange('bytes=0-1,5-6', 100)).toEqual({ kind: 'whole' });
    expect(byteRange('items=0-1', 100)).toEqual({ kind: 'whole' });
    expect(byteRange('bytes=9-3', 100)).toEqual({ kind: 'whole' });
    expect(byteRange('bytes=100-', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(byteRange('bytes=-0', 100)).toEqual({ kind: 'unsatisfiable' });
  });
  it('always answers a non-empty range inside the representation', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1e6 }), fc.option(fc.nat({ max: 2e6 })), fc.option(fc.nat({ max: 2e6 })), (total, a, b) => {
        const r = byteRange(`bytes=${a ?? ''}-${b ?? ''}`, total);
        if (r.kind === 'partial') expect(0 <= r.start && r.start < r.end && r.end <= total).toBe(true);
      }),
    );
  });
  it('applies If-Range only for the current tag', () => {
    expect(rangeStillApplies(undefined, '"a"')).toBe(true);
    expect(rangeStillApplies('"a"', '"a"')).toBe(true);
    expect(rangeStillApplies('"b"', '"a"')).toBe(false);
    expect(rangeStillApplies('Tue, 01 Dec 2026 10:00:00 GMT', '"a"')).toBe(false);
  });
});
