/**
 * The layout docs/architecture.md draws, checked on the source: no import
 * cycle between files or between folders, the store and the search are
 * siblings (both read the index contract, src/index-view.ts, neither the
 * other), and the front ends sit on top (only they wire through open.ts;
 * nothing imports them, and the bot does not import the CLI).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/config/env.js';

const SRC = join(PROJECT_ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Each file's relative imports of code (type-only ones too: they are arrows of the design as much as any; data files are not). */
const IMPORT = /(?:import|export)[^'";]*?from\s+'(\.{1,2}\/[^']+\.js)'|import\(\s*'(\.{1,2}\/[^']+\.js)'\s*\)/g;
const imports = new Map(
  sourceFiles(SRC).map((file) => [
    relative(SRC, file),
    [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => relative(SRC, resolve(dirname(file), (m[1] ?? m[2])!.replace(/\.js$/, '.ts')))),
  ]),
);
/** A file's room: its folder under src/, or its own name for a top-level file. */
const room = (file: string) => (file.includes('/') ? file.slice(0, file.indexOf('/')) : file.replace(/\.ts$/, ''));
const arrows = new Set([...imports].flatMap(([from, tos]) => tos.filter((to) => room(to) !== room(from)).map((to) => `${room(from)} -> ${room(to)}`)));

function cycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    path.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(node, 'done');
  };
  [...edges.keys()].forEach((node) => state.has(node) || visit(node));
  return found;
}

describe('the architecture', () => {
  it('reads every source file and resolves every relative import to one', () => {
    expect(imports.size).toBeGreaterThan(50);
    for (const [file, tos] of imports) for (const to of tos) expect(imports.has(to), `${file} imports ${to}`).toBe(true);
  });

  it('has no import cycle between files', () => {
    expect(cycles(imports)).toEqual([]);
  });

  it('has no import cycle between folders', () => {
    const byRoom = new Map<string, string[]>();
    for (const arrow of arrows) {
      const [from, to] = arrow.split(' -> ') as [string, string];
      byRoom.set(from, [...(byRoom.get(from) ?? []), to]);
    }
    expect(cycles(byRoom)).toEqual([]);
  });

  it('keeps the store and the search siblings over the index contract', () => {
    expect(arrows).not.toContain('store -> search');
    expect(arrows).not.toContain('search -> store');
    expect(arrows).toContain('store -> index-view');
    expect(arrows).toContain('search -> index-view');
  });

  it('puts the front ends on top: only they wire through open.ts, nothing imports them, the bot not the CLI', () => {
    const into = (target: string) => [...arrows].filter((a) => a.endsWith(` -> ${target}`)).map((a) => a.split(' -> ')[0]);
    expect(into('open').sort()).toEqual(['cli', 'discord']);
    expect(into('cli')).toEqual([]);
    expect(into('discord')).toEqual([]);
  });
});
