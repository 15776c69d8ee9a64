/**
 * A saved news page's citation metadata, from what pages carry, in order of
 * trust: schema.org JSON-LD (an Article's headline, datePublished,
 * publisher.name, author), Open Graph and article:* meta, <meta
 * name="author">, then the <title>, whose trailing " - Site" or " | Site"
 * names the publisher (and is cut from the headline) when nothing else
 * does. A sidecar <file>.meta.json still wins over all (corpus/read.ts).
 * Pure: the parsed page in, fields out; malformed JSON-LD is skipped, and a
 * field is taken only from where it means what we take it for (a WebPage's
 * name is not a headline, an author given as a profile URL is not a name).
 */
import type { HTMLElement } from 'node-html-parser';
import { looksLikeOutlet, type DocMeta } from '../segment/metadata.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: Json | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: Json | undefined): string | undefined => (typeof value === 'string' && value.trim() ? value.trim().replace(/\s+/g, ' ') : undefined);
const isUrl = (value: string) => /^https?:\/\//i.test(value);

/** Every object a JSON-LD block describes: the block, its array items, their @graph items. */
function items(value: Json): JsonObject[] {
  if (Array.isArray(value)) return value.flatMap(items);
  if (!isObject(value)) return [];
  return [value, ...(Array.isArray(value['@graph']) || isObject(value['@graph']) ? items(value['@graph']!) : [])];
}

/** schema.org types that are a piece of writing with a headline: Article and its kinds (NewsArticle, ReportageNewsArticle, BlogPosting…). */
const ARTICLE_TYPE = /(?:Article|BlogPosting)$/;
const typesOf = (item: JsonObject) => [item['@type']].flat().filter((t): t is string => typeof t === 'string');

/** The name of a person or organisation given as a string, an object with a name, or a reference to an item elsewhere in the page. */
function nameOf(value: Json | undefined, byId: ReadonlyMap<string, JsonObject>): string | undefined {
  if (Array.isArray(value)) {
    const names = value.map((v) => nameOf(v, byId)).filter((n): n is string => n !== undefined);
    return names.length > 0 ? names.join(', ') : undefined;
  }
  if (typeof value === 'string') return isUrl(value) ? undefined : text(value);
  if (!isObject(value)) return undefined;
  const named = text(value.name);
  if (named) return named;
  const ref = text(value['@id']);
  const target = ref ? byId.get(ref) : undefined;
  return target && target !== value ? text(target.name) : undefined;
}

/** What the page's JSON-LD says of its article: the first Article-typed item, its references resolved within the page. */
export function jsonLdMeta(root: HTMLElement): DocMeta {
  const all: JsonObject[] = [];
  for (const script of root.querySelectorAll('script[type="application/ld+json"]')) {
    try {
      all.push(...items(JSON.parse(script.textContent) as Json));
    } catch {
      // A block that is not JSON says nothing: the next source of trust is asked instead.
    }
  }
  const byId = new Map(all.flatMap((item) => (text(item['@id']) ? [[text(item['@id'])!, item] as const] : [])));
  const article = all.find((item) => typesOf(item).some((t) => ARTICLE_TYPE.test(t)));
  if (!article) return {};
  const meta: DocMeta = {};
  const headline = text(article.headline) ?? text(article.name);
  const date = text(article.datePublished) ?? text(article.dateCreated);
  const publisher = nameOf(article.publisher, byId);
  const author = nameOf(article.author, byId);
  const url = text(article.url);
  if (headline) meta.title = headline;
  if (date) meta.date = date;
  if (publisher) meta.publisher = publisher;
  if (author) meta.byline = author;
  if (url && isUrl(url)) meta.url = url;
  return meta;
}

/** The <title>'s headline and, when its last " - " / " | " part names an outlet, that outlet. */
export function splitTitle(title: string, host: string | undefined): { headline: string; site?: string } {
  const split = /^(.+?)\s+([-–—|])\s+([^-–—|]+)$/.exec(title.replace(/\s+/g, ' ').trim());
  if (!split) return { headline: title.trim() };
  const [, headline, separator, site] = split as unknown as [string, string, string, string];
  // "|" almost always sets off the site; a dash may be the headline's own ("Daniel Pelka - what went wrong"), so it needs more evidence.
  const squashed = site.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
  const namesHost = host !== undefined && squashed.length >= 3 && host.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '').includes(squashed);
  const outlet = site.split(/\s+/).length <= 6 && (separator === '|' || namesHost || looksLikeOutlet(site));
  return outlet ? { headline: headline.trim(), site: site.trim() } : { headline: title.trim() };
}

export function pageMeta(root: HTMLElement): DocMeta {
  const metaContent = (...keys: string[]): string | undefined => {
    for (const key of keys) {
      const value = text(root.querySelector(`meta[property="${key}"], meta[name="${key}"]`)?.getAttribute('content'));
      if (value) return value;
    }
    return undefined;
  };
  const fromJsonLd = jsonLdMeta(root);
  const url = fromJsonLd.url ?? metaContent('og:url') ?? text(root.querySelector('link[rel="canonical"]')?.getAttribute('href'));
  const host = url && isUrl(url) ? new URL(url).hostname.replace(/^www\./, '') : undefined;
  const titleTag = text(root.querySelector('title')?.text);
  const split = titleTag ? splitTitle(titleTag, host) : undefined;
  const author = [metaContent('article:author'), metaContent('author')].find((a) => a !== undefined && !isUrl(a));
  const meta: DocMeta = {
    ...(split ? { title: split.headline } : {}),
    ...(split?.site ? { publisher: split.site } : {}),
    ...(author ? { byline: author } : {}),
    ...(url ? { url } : {}),
  };
  const openGraph: DocMeta = {};
  const ogTitle = metaContent('og:title');
  const ogSite = metaContent('og:site_name', 'publisher');
  const ogDate = metaContent('article:published_time', 'date', 'pubdate');
  if (ogTitle) openGraph.title = split?.site ? splitTitle(ogTitle, host).headline : ogTitle;
  if (ogSite) openGraph.publisher = ogSite;
  if (ogDate) openGraph.date = ogDate;
  // Less trusted first, so the more trusted overwrite it.
  return { ...meta, ...openGraph, ...fromJsonLd };
}
