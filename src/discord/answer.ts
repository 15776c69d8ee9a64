/**
 * A question → the reply payload, from whatever engine is current (the index
 * can be swapped underneath). The asker sees what they can fix; any other
 * error's detail (file paths, model names) goes to the operator's log only.
 */
import type { Logger } from 'pino';
import { isInputError, oneLine } from '../errors.js';
import type { SearchEngine } from '../search/engine.js';
import { answerReply, plainReply, shownQuotes, type PageOptions, type ReplyPayload } from './respond.js';

export const UNAVAILABLE = 'The articles are temporarily unavailable; the operator has been told. Please try again later.';

/** Answers with quotes `skip`+1 … `top` (a first reply skips none, a More page skips those shown), framed as a question's answer unless told. */
export type Answerer = (question: string, top: number, page?: Pick<PageOptions, 'skip' | 'wording' | 'asked'>) => Promise<ReplyPayload>;

export function answerer(engine: () => SearchEngine, logger: Logger): Answerer {
  return async (question, top, page = {}) => {
    try {
      const current = engine();
      const result = await current.ask(question, top);
      const shown = shownQuotes(result);
      logger.debug({ question, verdict: result.verdict, quotes: shown.length }, 'answered');
      const titles = current.index.covered.map((doc) => doc.meta.title ?? doc.name);
      return answerReply(result, titles, { ...page, mayHaveMore: shown.length === top });
    } catch (error) {
      if (isInputError(error)) return plainReply(error.message);
      logger.error({ err: oneLine(error) }, 'question failed');
      return plainReply(UNAVAILABLE);
    }
  };
}
