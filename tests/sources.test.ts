/** /sources, "what can I ask?": the list, its pages and its example questions, pure and through a fake Discord. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/env.js';
import { parseButtonId, sourcesButtonId } from '../src/discord/buttons.js';
import { COMMANDS } from '../src/discord/commands.js';
import { exampleQuestions, headlineQuestion, SOURCES_PER_PAGE, sourcesOf, sourcesReply, type Source } from '../src/discord/sources.js';
import { openEmbedder, openEngine } from '../src/open.js';
import { botConfig, callbackOf, editOf, fakeDiscordSuite, startBotWith } from './support/bot.js';
import { scratch } from './support/temp.js';

const EPHEMERAL = 64;
const many: Source[] = Array.from({ length: 23 }, (_, i) => ({ name: `d${i}.txt`, title: `Story *${i}*`, publisher: 'Town News', date: '2014', passages: i + 1 }));
const buttonIds = (reply: ReturnType<typeof sourcesReply>) => (reply.components ?? []).flatMap((row) => row.components.map((c) => c.custom_id));

describe('the /sources pages', () => {
  it('lists a page of documents with their passages, escaped, and buttons to the pages either side', () => {
    const first = sourcesReply(many, 1, []);
    const lines = first.embeds![0]!.description.split('\n');
    expect(lines).toHaveLength(SOURCES_PER_PAGE);
    expect(lines[0]).toBe('• **Story \\*0\\*** — Town News, 2014 · 1 passage');
    expect(first.embeds![0]!.footer!.text).toMatch(/^Page 1 of 3 · 23 documents/);
    expect(buttonIds(first)).toEqual([sourcesButtonId(2)]);
    expect(buttonIds(sourcesReply(many, 2, []))).toEqual([sourcesButtonId(1), sourcesButtonId(3)]);
    // A page past the end (an old or forged button) shows the last one.
    const last = sourcesReply(many, 99, ['Who chairs the board?']);
    expect(last.embeds![0]!.footer!.text).toMatch(/^Page 3 of 3/);
    expect(last.embeds![0]!.description).toMatch(/\*\*Try asking:\*\*\n• Who chairs the board\?$/);
    expect(last.allowedMentions).toEqual({ parse: [], repliedUser: false });
  });

  it('parses only page ids it makes', () => {
    expect(parseButtonId('sources:2')).toEqual({ kind: 'sources', page: 2 });
    for (const id of ['sources:0', 'sources:02', 'sources:-1', 'sources:1 ', 'sources:9999999', 'sources:']) expect(parseButtonId(id)).toBeUndefined();
  });

  it('turns a headline into a question, without the site name', () => {
    expect(headlineQuestion('Council warns child protection groups after Ofsted mauling - The Coventry Observer')).toBe(
      'What do the articles say about council warns child protection groups after Ofsted mauling?',
    );
  });

  it('is registered beside /ask', () => {
    expect(COMMANDS.map((c) => c.name)).toContain('sources');
  });
});

describe('/sources over the real index', () => {
  const suite = fakeDiscordSuite();

  it('counts every passage once, by document, and shows only example questions the engine answers', async () => {
    const sources = sourcesOf(suite.engine.index);
    expect(sources.map((s) => s.name)).toEqual(suite.engine.index.covered.map((d) => d.name));
    expect(sources.reduce((sum, s) => sum + s.passages, 0)).toBe(suite.engine.index.passages.length);
    const examples = await exampleQuestions(suite.engine);
    expect(examples.length).toBeGreaterThan(0);
    for (const q of examples) expect((await suite.engine.ask(q, 1)).verdict).toBe('answered');
  });

  it('answers /sources privately and pages with its buttons', async () => {
    const bot = await suite.start();
    const { id, token } = suite.fake.slash([], undefined, 'sources');
    const edit = await suite.fake.waitFor(editOf(token));
    expect(suite.fake.requests.find(callbackOf(id))!.body).toEqual({ type: 5, data: { flags: EPHEMERAL } });
    const embed = (edit.body?.embeds as { title: string; description: string }[])[0]!;
    expect(embed.title).toBe('What I answer from');
    expect(embed.description).toMatch(/Daniel Pelka: Council children's service not improving quickly enough\*\* — .* · \d+ passages/);
    expect(embed.description).toMatch(/\*\*Try asking:\*\*\n• What do the articles say about/);
    expect(edit.body?.allowed_mentions).toEqual({ parse: [], replied_user: false });
    // Three documents fit one page: no page buttons; a forged page id still gets the (last) page, in place.
    expect(edit.body?.components ?? []).toEqual([]);
    const click = suite.fake.click(sourcesButtonId(7), edit);
    const update = await suite.fake.waitFor(callbackOf(click.id));
    expect(update.body).toMatchObject({ type: 7 });
    expect(JSON.stringify(update.body)).toMatch(/Page 1 of 1/);
    await bot.stop();
  });

  it('counts /sources against the same per-user rate limit as questions', async () => {
    const bot = await suite.start({ RATE_LIMIT_USER_PER_MIN: '1' });
    const first = suite.fake.slash([], '500000000000000055', 'sources');
    await suite.fake.waitFor(editOf(first.token));
    const second = suite.fake.slash([], '500000000000000055', 'sources');
    const refused = await suite.fake.waitFor(callbackOf(second.id));
    expect(refused.body).toMatchObject({ type: 4, data: { flags: EPHEMERAL } });
    expect(String((refused.body?.data as { content: string }).content)).toMatch(/wait a minute/);
    await bot.stop();
  });

  it('pages an archive longer than one message with Previous and Next, each click replacing the page in place', async () => {
    const archive = await scratch(false);
    await mkdir(archive.corpusDir, { recursive: true });
    const towns = ['Ashby', 'Bexley', 'Corby', 'Dover', 'Ely', 'Frome', 'Goole', 'Hythe', 'Ilkley', 'Jarrow', 'Keswick', 'Leek'];
    for (const [i, town] of towns.entries()) {
      await writeFile(join(archive.corpusDir, `${String(i).padStart(2, '0')}.txt`), `${town} library reopens\n\nThe library in ${town} reopened on Monday after repairs to its roof. Readers returned in large numbers.\n`);
    }
    const archiveEngine = await openEngine(loadConfig({ CORPUS_DIR: archive.corpusDir, INDEX_DIR: archive.indexDir }), await openEmbedder(loadConfig({})));
    const bot = await startBotWith(botConfig(suite.fake, archive), () => archiveEngine, []);
    const { token } = suite.fake.slash([], undefined, 'sources');
    const first = await suite.fake.waitFor(editOf(token));
    expect(JSON.stringify(first.body)).toMatch(/Page 1 of 2 · 12 documents/);
    const ids = (body: unknown) => ((body as { components?: { components: { custom_id: string }[] }[] }).components ?? []).flatMap((row) => row.components.map((c) => c.custom_id));
    expect(ids(first.body)).toEqual([sourcesButtonId(2)]);
    const next = suite.fake.click(sourcesButtonId(2), first);
    const second = await suite.fake.waitFor(callbackOf(next.id));
    const page = (second.body as { type: number; data: { embeds: { description: string; footer: { text: string } }[] } });
    expect(page.type).toBe(7);
    expect(page.data.embeds[0]!.footer.text).toMatch(/^Page 2 of 2/);
    expect(page.data.embeds[0]!.description).toMatch(/Keswick library reopens.*\n.*Leek library reopens/);
    expect(ids(page.data)).toEqual([sourcesButtonId(1)]);
    await bot.stop();
  });
});
