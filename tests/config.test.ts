import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig, PROJECT_ROOT } from '../src/config/env.js';
import { QuotebotError } from '../src/errors.js';

describe('config', () => {
  it('treats empty strings as unset and applies defaults', () => {
    const config = loadConfig({ EMBED_PRECISION: '', DISCORD_TOKEN: '  ', RATE_LIMIT_USER_PER_MIN: '' });
    expect(config.precision).toBe('int8');
    expect(config.discord.token).toBeUndefined();
    expect(config.discord.userPerMinute).toBe(5);
  });

  it('never prints the token: string, JSON and inspect all redact it', () => {
    const config = loadConfig({ DISCORD_TOKEN: 'secret.token.value' });
    expect(config.discord.token!.reveal()).toBe('secret.token.value');
    for (const shown of [String(config.discord.token), JSON.stringify(config), inspect(config, { depth: 5 })]) {
      expect(shown).not.toContain('secret.token.value');
    }
  });

  it('rejects a bad value with one line that names the variable and quotes the value', () => {
    let error: unknown;
    try {
      loadConfig({ EMBED_PRECISION: 'fp64' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QuotebotError);
    expect((error as Error).message).toMatch(/^Invalid EMBED_PRECISION="fp64": /);
  });

  it('parses the channel allowlist', () => {
    expect(loadConfig({ ALLOWED_CHANNEL_IDS: '123456789012345678, 223456789012345678' }).discord.allowedChannelIds).toEqual([
      '123456789012345678',
      '223456789012345678',
    ]);
    expect(() => loadConfig({ ALLOWED_CHANNEL_IDS: 'general' })).toThrow(/ALLOWED_CHANNEL_IDS/);
  });
});

describe('the Node versions package.json accepts', () => {
  it('start at one whose zlib has crc32 (Node 20.15), which the index checksums call, and npm refuses older ones', async () => {
    const pkg = JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
    const [, major, minor] = /^>=(\d+)\.(\d+)/.exec(pkg.engines.node) ?? [];
    expect(Number(major) * 1000 + Number(minor)).toBeGreaterThanOrEqual(20 * 1000 + 15);
    expect(typeof zlib.crc32).toBe('function');
    expect(await readFile(join(PROJECT_ROOT, '.npmrc'), 'utf8')).toMatch(/^engine-strict=true$/m);
  });
});
