/** SHARD_COUNT / SHARD_IDS as the operator writes them: what a process runs, and one clear line for every mistake. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/env.js';

const shards = (env: Record<string, string>) => loadConfig(env).discord.shards;

describe('shard settings', () => {
  it('passes no sharding option when unset or empty, so discord.js runs its single default shard', () => {
    expect(shards({})).toBeUndefined();
    expect(shards({ SHARD_COUNT: '', SHARD_IDS: ' ' })).toBeUndefined();
  });

  it("runs every shard of a count, or Discord's recommendation for 'auto'", () => {
    expect(shards({ SHARD_COUNT: '4' })).toEqual({ count: 4, ids: [0, 1, 2, 3] });
    expect(shards({ SHARD_COUNT: 'auto' })).toEqual({ count: 'auto' });
  });

  it('reads ids, ranges and both mixed, in order and once each', () => {
    expect(shards({ SHARD_COUNT: '4', SHARD_IDS: '0,1' })).toEqual({ count: 4, ids: [0, 1] });
    expect(shards({ SHARD_COUNT: '4', SHARD_IDS: '0-3' })).toEqual({ count: 4, ids: [0, 1, 2, 3] });
    expect(shards({ SHARD_COUNT: '4', SHARD_IDS: ' 3, 0 ,2-3' })).toEqual({ count: 4, ids: [0, 2, 3] });
  });

  it('rejects each mistake with one line naming the variable and quoting the value', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ SHARD_COUNT: '0' }, /^Invalid SHARD_COUNT="0": must be 'auto' or a whole number/],
      [{ SHARD_COUNT: 'two' }, /^Invalid SHARD_COUNT="two": /],
      [{ SHARD_COUNT: '4', SHARD_IDS: '0;1' }, /^Invalid SHARD_IDS="0;1": must be shard ids and ranges like 0,1 or 0-3 or 0,2-3/],
      [{ SHARD_COUNT: '4', SHARD_IDS: '0,,1' }, /^Invalid SHARD_IDS="0,,1": /],
      [{ SHARD_COUNT: '4', SHARD_IDS: '3-1' }, /^Invalid SHARD_IDS="3-1": a range must go upwards/],
      [{ SHARD_IDS: '0' }, /^Invalid SHARD_IDS="0": set SHARD_COUNT too/],
      [{ SHARD_COUNT: 'auto', SHARD_IDS: '0' }, /^Invalid SHARD_IDS="0": SHARD_COUNT=auto cannot be combined with SHARD_IDS/],
      [{ SHARD_COUNT: '2', SHARD_IDS: '0-2' }, /^Invalid SHARD_IDS="0-2": shard 2 does not exist with SHARD_COUNT=2 \(ids run from 0 to 1\)/],
      // Never expanded before the check: a huge range is an error, not a huge array.
      [{ SHARD_COUNT: '2', SHARD_IDS: '0-99999' }, /^Invalid SHARD_IDS="0-99999": shard 99999 does not exist/],
    ];
    for (const [env, message] of cases) {
      expect(() => loadConfig(env)).toThrow(message);
      expect(() => loadConfig(env)).not.toThrow(/\n/);
    }
  });
});
