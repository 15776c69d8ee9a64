/**
 * `npm run index -- --verify`: proves a generation is the one its build
 * wrote — every file's size and CRC-32 against the manifest — and that it
 * loads (structure, cross-file counts). Reads every byte, so it is an
 * on-demand check, not part of every start.
 */
import { join } from 'node:path';
import { oneLine } from '../../errors.js';
import { checkOfFile } from '../../fs/checksum.js';
import { currentGeneration, FILES, previousGeneration } from '../files/layout.js';
import { loadGeneration, readManifest } from './load.js';

export interface FileVerdict {
  file: string;
  /** Undefined when the file is as written. */
  problem?: string;
}

export interface GenerationVerdict {
  role: 'current' | 'previous';
  dir: string;
  files: FileVerdict[];
}

/** The current generation and the one kept behind it (the readers' fallback), each checked whole. */
export async function verifyIndex(indexDir: string): Promise<GenerationVerdict[]> {
  const found = [['current', await currentGeneration(indexDir)], ['previous', await previousGeneration(indexDir)]] as const;
  const verdicts: GenerationVerdict[] = [];
  for (const [role, dir] of found) if (dir) verdicts.push({ role, dir, files: await verifyGeneration(dir) });
  return verdicts;
}

/** The model is not checked: a generation of another model is whole, only not usable with this one (a start rebuilds it). */
export async function verifyGeneration(dir: string): Promise<FileVerdict[]> {
  const manifestFile = join(dir, FILES.manifest);
  let manifest;
  try {
    manifest = await readManifest(dir);
  } catch (error) {
    return [{ file: manifestFile, problem: oneLine(error) }];
  }
  const verdicts: FileVerdict[] = [{ file: manifestFile }];
  for (const [name, expected] of Object.entries(manifest.files)) {
    const file = join(dir, name);
    const found = await checkOfFile(file).catch((error: unknown) => oneLine(error));
    if (typeof found === 'string') verdicts.push({ file, problem: found });
    else if (found.bytes !== expected.bytes) verdicts.push({ file, problem: `${found.bytes} bytes, the manifest says ${expected.bytes}` });
    else if (found.crc32 !== expected.crc32) verdicts.push({ file, problem: `its checksum differs from the manifest's: the bytes changed after the build` });
    else verdicts.push({ file });
  }
  if (verdicts.every((v) => !v.problem)) {
    // Sizes and checksums match: what is left is a build that wrote something inconsistent, or another model.
    const loaded = await loadGeneration(dir).then(() => undefined, (error: unknown) => oneLine(error));
    if (loaded) verdicts.push({ file: dir, problem: loaded });
  }
  return verdicts;
}
