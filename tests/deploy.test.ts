/**
 * docs/deploy.md stays true: its unit files, taken from the page itself,
 * pass systemd-analyze verify (Debian's systemd) with no warning.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/config/env.js';
import { scratch } from './support/temp.js';

/** The page's ```ini blocks whose first line names the unit file. */
async function unitFiles(): Promise<{ name: string; text: string }[]> {
  const page = await readFile(join(PROJECT_ROOT, 'docs', 'deploy.md'), 'utf8');
  return [...page.matchAll(/```ini\n# (\/etc\/systemd\/system\/[^\n]+\.service)\n([\s\S]*?)```/g)].map((m) => ({ name: basename(m[1]!), text: m[2]! }));
}

describe('docs/deploy.md', () => {
  it('holds a unit for the bot and one for the watcher, each an unprivileged user\'s, restarted on failure, with the .env by absolute path', async () => {
    const units = await unitFiles();
    expect(units.map((u) => u.name)).toEqual(['quotebot.service', 'quotebot-index.service']);
    for (const { text } of units) {
      expect(text).toMatch(/^User=quotebot$/m);
      expect(text).toMatch(/^Restart=on-failure$/m);
      expect(text).toMatch(/^EnvironmentFile=\/opt\/quotebot\/\.env$/m);
      expect(text).toMatch(/^ExecStart=\/usr\/bin\/node \/opt\/quotebot\/dist\/(bot|cli)\.js/m);
    }
  });

  it('has unit files systemd-analyze verify accepts without a warning', async () => {
    expect(existsSync('/usr/bin/systemd-analyze'), 'systemd-analyze (Debian package systemd) is missing').toBe(true);
    const { dir } = await scratch(false);
    const paths = [];
    for (const { name, text } of await unitFiles()) {
      paths.push(join(dir, name));
      await writeFile(join(dir, name), text);
    }
    const { stdout, stderr } = await promisify(execFile)('/usr/bin/systemd-analyze', ['verify', ...paths]);
    expect(`${stdout}${stderr}`.trim()).toBe('');
  });
});
