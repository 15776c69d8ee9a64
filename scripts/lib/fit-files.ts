/**
 * The gold files the fitted constants are chosen on (never test.jsonl or recipe.jsonl, the frozen test
 * split): `npm run fit`'s documented command, and the studies that ask the same questions.
 */
export const FIT_FILES = ['tests/gold/dev.jsonl', 'tests/gold/own.jsonl', 'tests/gold/visible.jsonl', 'tests/gold/own-near-topic.jsonl', 'tests/gold/squad2/dev.jsonl'];
