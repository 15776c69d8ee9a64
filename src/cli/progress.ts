/**
 * Embedding progress on stderr: a bar on a terminal, a few plain lines
 * otherwise (CI logs and pipes should not fill with carriage returns).
 */
import cliProgress from 'cli-progress';
import type { Hooks } from '../open.js';

export function progressHooks(stream: NodeJS.WritableStream & { isTTY?: boolean }, say: (line: string) => void): Hooks {
  let bar: cliProgress.SingleBar | undefined;
  let lastReported = 0;
  return {
    onMessage: say,
    onProgress(done, total) {
      if (stream.isTTY) {
        bar ??= new cliProgress.SingleBar(
          { stream, format: 'embedding |{bar}| {value}/{total} sentences, eta {eta}s', hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        if (done === 1 || !bar.isActive) bar.start(total, done);
        bar.update(done);
        if (done === total) bar.stop();
      } else if (done === total || done - lastReported >= Math.max(500, total / 10)) {
        lastReported = done;
        say(`embedded ${done}/${total} sentences`);
      }
    },
  };
}
