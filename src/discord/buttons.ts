/**
 * The buttons under an answer, as data. Their state lives in custom_id
 * (at most 100 characters), so a click works after a restart with nothing
 * kept in memory: "more:<shown>:<question>" pages on through the quotes,
 * "vote:up" / "vote:down" record feedback, "sources:<page>" pages /sources.
 */
export const PAGE = 3;
/** No page goes past this many quotes in all: beyond it, matches are too weak to be worth quoting. */
export const MAX_QUOTES = 10;
const CUSTOM_ID_MAX = 100;

export type ButtonAction = { kind: 'more'; shown: number; question: string } | { kind: 'vote'; verdict: 'up' | 'down' } | { kind: 'sources'; page: number };

/** The id of a /sources page button: the page it shows, 1-based. */
export const sourcesButtonId = (page: number) => `sources:${page}`;

/** The More button's id, or undefined when the question is too long to carry or no page is left. */
export function moreButtonId(question: string, shown: number): string | undefined {
  const id = `more:${shown}:${question}`;
  return id.length <= CUSTOM_ID_MAX && shown < MAX_QUOTES ? id : undefined;
}

export function parseButtonId(id: string): ButtonAction | undefined {
  if (id === 'vote:up' || id === 'vote:down') return { kind: 'vote', verdict: id === 'vote:up' ? 'up' : 'down' };
  // A page number as sourcesButtonId writes it (no sign, no leading zero); whether the page exists is the handler's to say.
  const page = /^sources:([1-9]\d{0,5})$/.exec(id);
  if (page) return { kind: 'sources', page: Number(page[1]) };
  const match = /^more:(\d{1,2}):(.+)$/s.exec(id);
  if (!match) return undefined;
  const shown = Number(match[1]);
  const question = match[2]!;
  // A click's id is hostile input: only an id moreButtonId makes from an asked (trimmed) question is ours,
  // not "more:03:…", padded questions or ids past 100 characters.
  return shown >= 1 && question === question.trim() && moreButtonId(question, shown) === id ? { kind: 'more', shown, question } : undefined;
}

const BUTTON = 2;
const ACTION_ROW = 1;
const SECONDARY = 2;

export interface ActionRow {
  type: typeof ACTION_ROW;
  components: { type: typeof BUTTON; style: typeof SECONDARY; custom_id: string; label?: string; emoji?: { name: string } }[];
}

/** "More quotes" (when there may be more) and the two feedback votes. */
export function answerButtons(moreId: string | undefined): ActionRow[] {
  const vote = (verdict: 'up' | 'down', emoji: string) => ({ type: BUTTON, style: SECONDARY, custom_id: `vote:${verdict}`, emoji: { name: emoji } }) as const;
  const more = moreId ? [{ type: BUTTON, style: SECONDARY, custom_id: moreId, label: 'More quotes' } as const] : [];
  return [{ type: ACTION_ROW, components: [...more, vote('up', '👍'), vote('down', '👎')] }];
}

/** Previous and Next under a /sources page, for the pages either side that exist; none for a single page. */
export function sourcesButtons(page: number, pages: number): ActionRow[] {
  const to = (target: number, label: string) => ({ type: BUTTON, style: SECONDARY, custom_id: sourcesButtonId(target), label }) as const;
  const nav = [...(page > 1 ? [to(page - 1, 'Previous')] : []), ...(page < pages ? [to(page + 1, 'Next')] : [])];
  return nav.length > 0 ? [{ type: ACTION_ROW, components: nav }] : [];
}
