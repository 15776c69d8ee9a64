/**
 * Notices when `npm run index` publishes a new generation. Polls the pointer
 * file, because fs.watch is unreliable across platforms and editors; a
 * generation is only published complete, so whatever it points at is whole.
 */
import { currentGeneration } from '../files/layout.js';

export function watchGeneration(indexDir: string, onChange: (dir: string) => Promise<void>, intervalMs = 2000): () => void {
  let known: string | undefined;
  let busy = false;
  const check = async () => {
    if (busy) return;
    busy = true;
    try {
      const dir = await currentGeneration(indexDir);
      if (dir && known !== undefined && dir !== known) await onChange(dir);
      known = dir ?? known;
    } finally {
      busy = false;
    }
  };
  void check();
  const timer = setInterval(() => void check().catch(() => undefined), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
