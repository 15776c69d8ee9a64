/**
 * Whether replacing some documents of a base generation moves the
 * boilerplate of the documents it keeps. Boilerplate is a short block found
 * in two or more documents (segment/chrome), so removing a document can turn
 * a kept document's template back into prose, and adding one can turn a kept
 * document's paragraph into a template. An overlay update (store/write/overlay) is
 * exact only when neither happens; otherwise the full build runs. Pure: key
 * hashes in, a decision out.
 */
import { templateHash, type TemplateKeys } from '../files/templates-file.js';

/**
 * The boilerplate the overlay's documents are laid out with (those of their
 * keys now in two or more documents), or undefined when some key a kept base
 * document holds changes sides of that line.
 *   base: every base document's key hashes; masked: the base documents replaced or gone;
 *   overlayKeys: the templateKeys of each document the overlay indexes.
 */
export function overlayBoilerplate(base: TemplateKeys, masked: readonly number[], overlayKeys: readonly (readonly string[])[]): Set<string> | undefined {
  const hashes = overlayKeys.map((keys) => keys.map(templateHash));
  const asked = new Set<bigint>([...masked.flatMap((d) => [...base.of(d)]), ...hashes.flat()]);
  const count = (lists: Iterable<Iterable<bigint>>) => {
    const counts = new Map<bigint, number>();
    for (const list of lists) for (const hash of list) if (asked.has(hash)) counts.set(hash, (counts.get(hash) ?? 0) + 1);
    return counts;
  };
  const inBase = count([base.all]);
  const inMasked = count(masked.map((d) => base.of(d)));
  const inOverlay = count(hashes);
  const now = (hash: bigint) => (inBase.get(hash) ?? 0) - (inMasked.get(hash) ?? 0) + (inOverlay.get(hash) ?? 0);
  for (const hash of asked) {
    const kept = (inBase.get(hash) ?? 0) - (inMasked.get(hash) ?? 0);
    if (kept > 0 && (inBase.get(hash) ?? 0) >= 2 !== now(hash) >= 2) return undefined;
  }
  return new Set(overlayKeys.flatMap((keys, d) => keys.filter((_, k) => now(hashes[d]![k]!) >= 2)));
}
