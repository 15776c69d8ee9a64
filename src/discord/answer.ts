/**
 * A question → the reply payload, from whatever engine is current (the index
 * can be swapped underneath). The asker sees what they can fix; any other
 * error's detail (file paths, model names) goes to the operator's log only.
 */
import type { Logger } from 'pino';
import { isInputError, oneLine } from '../errors.js';
import { answerRecord, unansweredRecord, type AnswerRecord } from '../journal/question-log.js';
import type { SearchEngine } from '../search/engine.js';
import { readInContext } from '../search/follow-up.js';
import { answerReply, plainReply, shownQuotes, type PageOptions, type ReplyPayload } from './respond.js';

export const UNAVAILABLE = 'The articles are temporarily unavailable; the operator has been told. Please try again later.';

export interface AnswerOptions extends Pick<PageOptions, 'skip' | 'wording'> {
  /** The question the asker's earlier answer was for, in their own words: a follow-up is read with it (search/follow-up.ts). */
  earlier?: string;
}

/** A reply, and what the question log records of it. */
export interface Answered {
  payload: ReplyPayload;
  record: AnswerRecord;
}

/** Answers with quotes `skip`+1 … `top` (a first reply skips none, a More page skips those shown), framed as a question's answer unless told. */
export type Answerer = (question: string, top: number, options?: AnswerOptions) => Promise<Answered>;

export function answerer(engine: () => SearchEngine, logger: Logger): Answerer {
  return async (question, top, { earlier, ...page } = {}) => {
    const started = performance.now();
    try {
      const current = engine();
      const { reading, answer: result } = await readInContext(current, question, earlier, top);
      const shown = shownQuotes(result);
      logger.debug({ question, verdict: result.verdict, quotes: shown.length, followed: reading.followed }, 'answered');
      const titles = current.index.covered.map((doc) => doc.meta.title ?? doc.name);
      // A follow-up's title is what the asker typed, and the next reply's follow-up leans on those words (askedQuestion).
      const payload = answerReply(result, titles, { ...page, ...(reading.followed ? { asked: question } : {}), mayHaveMore: shown.length === top });
      return { payload, record: answerRecord(question, reading, result, performance.now() - started) };
    } catch (error) {
      if (isInputError(error)) return { payload: plainReply(error.message), record: unansweredRecord(question, 'error') };
      logger.error({ err: oneLine(error) }, 'question failed');
      return { payload: plainReply(UNAVAILABLE), record: unansweredRecord(question, 'error') };
    }
  };
}
