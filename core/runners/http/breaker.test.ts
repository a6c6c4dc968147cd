import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './breaker.ts';

describe('CircuitBreaker', () => {
  it('behavior: opens after the threshold, half-opens after the cool-down, closes on a good probe', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 100, now: () => now });
    breaker.failure();
    expect(breaker.state).toBe('closed');
    breaker.failure();
    expect(breaker.state).toBe('open');
    expect(breaker.allows()).toBe(false);
    now = 100;
    expect(breaker.state).toBe('half-open');
    expect(breaker.allows()).toBe(true);
    breaker.begin();
    expect(breaker.allows()).toBe(false);
    breaker.success();
    expect(breaker.state).toBe('closed');
  });

  it('behavior: a failed probe opens it again for a full cool-down', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 50, now: () => now });
    breaker.failure();
    now = 60;
    breaker.begin();
    breaker.failure();
    expect(breaker.state).toBe('open');
    now = 100;
    expect(breaker.state).toBe('open');
    now = 110;
    expect(breaker.state).toBe('half-open');
  });

  it('behavior: a success resets the count of failures in a row', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 2 });
    breaker.failure();
    breaker.success();
    breaker.failure();
    expect(breaker.state).toBe('closed');
  });
});
