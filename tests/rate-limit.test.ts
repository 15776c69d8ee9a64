/** The rate limiter limits, and stays bounded however many people ask over months. */
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../src/discord/rate-limit.js';

describe('RateLimiter', () => {
  it('allows `limit` events per key in any window, then again once the window has passed', () => {
    let now = 0;
    const limiter = new RateLimiter(2, 60_000, () => now);
    expect([limiter.allow('a'), limiter.allow('a'), limiter.allow('a'), limiter.allow('b')]).toEqual([true, true, false, true]);
    now = 59_999;
    expect(limiter.allow('a')).toBe(false);
    now = 60_000;
    expect(limiter.allow('a')).toBe(true);
  });

  it('remembers only the keys active within the last window: a million distinct users stay within a fixed bound', () => {
    let now = 0;
    const limiter = new RateLimiter(5, 60_000, () => now, 100_000);
    let largest = 0;
    for (let user = 0; user < 1_000_000; user++) {
      now += 1; // one new user a millisecond: 60,000 of them active in any window
      limiter.allow(`user-${user}`);
      largest = Math.max(largest, limiter.size);
    }
    expect(largest).toBeLessThanOrEqual(60_000);
    now += 60_000;
    limiter.allow('late');
    expect(limiter.size).toBe(1);
  });

  it('never holds more than its cap when a million distinct users all arrive within one window', () => {
    // The clock stands still, so no key goes idle: only the cap bounds the map.
    const limiter = new RateLimiter(5, 60_000, () => 0, 100_000);
    let largest = 0;
    let allowed = 0;
    for (let user = 0; user < 1_000_000; user++) {
      if (limiter.allow(`user-${user}`)) allowed++;
      largest = Math.max(largest, limiter.size);
    }
    expect(largest).toBe(100_000);
    // Each newcomer asks once: none is refused for the others' sake.
    expect(allowed).toBe(1_000_000);
  });

  it('holds at most maxKeys even when they are all active, dropping the longest idle first', () => {
    let now = 0;
    const limiter = new RateLimiter(1, 60_000, () => now, 3);
    for (const user of ['a', 'b', 'c', 'd']) {
      now += 1;
      limiter.allow(user);
    }
    expect(limiter.size).toBe(3);
    // "a" was forgotten, so it may ask again; "d" is still limited.
    expect(limiter.allow('a')).toBe(true);
    expect(limiter.allow('d')).toBe(false);
  });

  it('still drops the longest idle first after one key was hammered thousands of times', () => {
    const limiter = new RateLimiter(1, 60_000, () => 0, 2);
    limiter.allow('a');
    // Thousands of superseded touches of "b" pile up behind "a" and are compacted away.
    for (let i = 0; i < 5000; i++) limiter.allow('b');
    limiter.allow('c');
    expect(limiter.size).toBe(2);
    // "b" is still remembered and limited; "a", idle longest, was the one dropped.
    expect(limiter.allow('b')).toBe(false);
    expect(limiter.allow('a')).toBe(true);
  });
});
