import MarkdownIt from 'markdown-it';
import type { StateCore, Token } from 'markdown-it';

/*
 * Markdown for user posts and space descriptions. Everything here is rendered on the server
 * and inserted as HTML, so the safety comes from markdown-it itself (raw HTML off, so it is
 * escaped) plus an allow-list of link targets checked twice: by validateLink while parsing,
 * and again on the final tokens, so a reference definition, an empty `[x]()` or a mention URL
 * can't slip a link past it.
 */

export type RenderOptions = {
	/** The member page of a handle, or null if nobody has it (the text then stays as typed). */
	mentionUrl?: (handle: string) => string | null;
};

type PalabreEnv = {
	mentionUrl?: ((handle: string) => string | null) | undefined;
	// One lookup per handle per post: mentionUrl may hit the database.
	resolved?: Map<string, string | null>;
	mentions?: string[];
};

const REL = 'nofollow ugc noopener';
const MAX_MENTIONS = 20;

/**
 * Whether a link target may be rendered as a link: http(s), mailto, a same-site path or a
 * fragment. Checked on what a browser would see (it drops tabs and newlines anywhere, and
 * controls and spaces at both ends), so `java\tscript:` or `/\t/host` gain nothing.
 */
export function isAllowedUrl(url: string): boolean {
	// eslint-disable-next-line no-control-regex
	const seen = url.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
	if (/^(?:https?|mailto):/i.test(seen)) return true;
	if (seen.startsWith('#')) return true;
	// `//host` and `/\host` (browsers read the backslash as a slash) leave the site.
	return seen.startsWith('/') && !/^\/[/\\]/.test(seen);
}

function isHttpUrl(url: string): boolean {
	// eslint-disable-next-line no-control-regex
	return /^https?:/i.test(url.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+/, ''));
}

// Headings in a post sit under the page's own h1 (the thread) and h2 (the posts).
const HEADING_TAGS: Record<string, string> = { h1: 'h3', h2: 'h4', h3: 'h5', h4: 'h6', h5: 'h6', h6: 'h6' };

/*
 * A mention is `@handle` after the start of a text run, a space or punctuation. Matched
 * case-insensitively because phones capitalise the first word of a sentence; the handle is
 * then lowercased. The lookahead keeps `@awa_b` or `@awaé` from mentioning `awa`, a
 * 41-character run from mentioning its first 40, and a domain (`@gmail.com`) from
 * mentioning anyone, while `@awa.` at the end of a sentence still counts.
 */
const MENTION_RE = /@([a-z0-9][a-z0-9-]{1,39})(?![\p{L}\p{N}\p{M}_@-]|\.[\p{L}\p{N}])/giu;
// Punctuation that makes the `@` part of something else: an address, a path, a query, a tag.
const NOT_BEFORE_MENTION = /[@._/\\+=&%#~`-]/;

function canPrecedeMention(char: string): boolean {
	if (char === '') return true;
	return /[\s\p{P}\p{S}]/u.test(char) && !NOT_BEFORE_MENTION.test(char);
}

function resolveMention(env: PalabreEnv, handle: string): string | null {
	if (!env.mentionUrl) return null;
	env.resolved ??= new Map();
	if (!env.resolved.has(handle)) env.resolved.set(handle, env.mentionUrl(handle));
	return env.resolved.get(handle) ?? null;
}

/*
 * Runs after linkify (so addresses and URLs are already links, whose text is skipped) and
 * before text_join (so an escaped `\@awa` or `&#64;awa` is still a separate token and stays
 * a plain `@awa`: the way to name someone without notifying them). Code spans and blocks are
 * never text tokens, so they are left alone without a check here.
 */
function mentionRule(state: StateCore): void {
	const env = state.env as PalabreEnv;
	if (!env.mentionUrl && !env.mentions) return;
	for (const block of state.tokens) {
		if (block.type !== 'inline' || !block.children) continue;
		const out: Token[] = [];
		let linkDepth = 0;
		let previous = '';
		for (const token of block.children) {
			if (token.type === 'link_open') linkDepth++;
			if (token.type === 'link_close') linkDepth--;
			if (token.type !== 'text' || linkDepth > 0) {
				out.push(token);
				previous = token.type === 'text_special' ? token.content.slice(-1) : /break$/.test(token.type) ? '\n' : '';
				continue;
			}
			const text = token.content;
			let last = 0;
			for (const match of text.matchAll(MENTION_RE)) {
				const at = match.index;
				if (!canPrecedeMention(at === 0 ? previous : text.charAt(at - 1))) continue;
				const handle = (match[1] ?? '').toLowerCase();
				if (env.mentions && !env.mentions.includes(handle) && env.mentions.length < MAX_MENTIONS) {
					env.mentions.push(handle);
				}
				const href = resolveMention(env, handle);
				if (href === null) continue;
				if (at > last) out.push(textToken(state, text.slice(last, at)));
				const open = new state.Token('link_open', 'a', 1);
				open.attrs = [
					['href', href],
					['class', 'mention']
				];
				open.markup = 'mention';
				out.push(open, textToken(state, match[0]), new state.Token('link_close', 'a', -1));
				last = at + match[0].length;
			}
			if (last === 0) {
				out.push(token);
			} else if (last < text.length) {
				out.push(textToken(state, text.slice(last)));
			}
			previous = text.slice(-1);
		}
		block.children = out;
	}
}

function textToken(state: StateCore, content: string): Token {
	const token = new state.Token('text', '', 0);
	token.content = content;
	return token;
}

/** The text of inline tokens, as a screen reader or a notification would say it. */
function inlineText(tokens: Token[] | null): string {
	let text = '';
	for (const token of tokens ?? []) {
		if (token.type === 'text' || token.type === 'text_special' || token.type === 'code_inline') text += token.content;
		else if (token.type === 'softbreak' || token.type === 'hardbreak') text += '\n';
		else if (token.type === 'image') text += inlineText(token.children);
	}
	return text;
}

function headingRule(state: StateCore): void {
	for (const token of state.tokens) {
		if (token.type === 'heading_open' || token.type === 'heading_close') token.tag = HEADING_TAGS[token.tag] ?? 'h6';
	}
}

/*
 * Last word on every link: images become plain links (no tracking pixels, no bytes spent
 * on metered connections), a link whose target fails the allow-list becomes its text, and
 * every link gets the same `rel` and no `title` (tooltips need a mouse, and keeping the
 * attribute list short keeps the XSS corpus test strict).
 */
function linkRule(state: StateCore): void {
	for (const block of state.tokens) {
		if (block.type !== 'inline' || !block.children) continue;
		const out: Token[] = [];
		const kept: boolean[] = [];
		for (const token of block.children) {
			if (token.type === 'image') {
				const src = String(token.attrGet('src') ?? '');
				const alt = inlineText(token.children).trim();
				// An image inside a link (a badge) stays text: a link can't hold another.
				if (kept.length === 0 && isHttpUrl(src) && isAllowedUrl(src)) {
					const open = new state.Token('link_open', 'a', 1);
					open.attrs = [
						['href', src],
						['rel', REL]
					];
					out.push(open, textToken(state, alt || src), new state.Token('link_close', 'a', -1));
				} else {
					out.push(textToken(state, alt || src));
				}
			} else if (token.type === 'link_open') {
				const href = String(token.attrGet('href') ?? '');
				const ok = href !== '' && isAllowedUrl(href);
				kept.push(ok);
				if (!ok) continue;
				const mention = token.markup === 'mention';
				token.attrs = [['href', href], ...(mention ? [['class', 'mention'] as [string, string]] : []), ['rel', REL]];
				out.push(token);
			} else if (token.type === 'link_close') {
				if (kept.pop()) out.push(token);
			} else {
				out.push(token);
			}
		}
		block.children = out;
	}
}

function createRenderer() {
	const md = new MarkdownIt('default', { html: false, linkify: true, typographer: false, breaks: true });
	md.validateLink = isAllowedUrl;
	md.core.ruler.after('linkify', 'palabre_mentions', mentionRule);
	md.core.ruler.push('palabre_headings', headingRule);
	md.core.ruler.push('palabre_links', linkRule);
	return md;
}

// One parser for the process: building it costs more than rendering a post.
const md = createRenderer();

/** A post or space description, as HTML safe to insert into the page. */
export function renderMarkdown(source: string, options: RenderOptions = {}): string {
	const env: PalabreEnv = { mentionUrl: options.mentionUrl };
	return md.render(source, env);
}

/** The handles to notify: lowercase, unique, in order of first appearance, at most 20. */
export function extractMentions(source: string): string[] {
	const env: PalabreEnv = { mentions: [] };
	md.parse(source, env);
	return env.mentions ?? [];
}

// Characters that would close the link label or start emphasis, code, HTML, an entity or a strike.
const NAME_SPECIAL = /[[\]()\\*_`<>&~]/g;

/**
 * The Markdown a reply inserts to quote a post: a link to the source, then the post, all
 * in a blockquote. A blank quoted line separates the two so the body parses as it did in
 * its own post (a table or an indented code block can't interrupt a paragraph); two
 * newlines end it so that what the user types next is not pulled into the quote.
 */
export function quoteMarkdown(input: { authorName: string; sourcePath: string; body: string }): string {
	const { authorName, sourcePath, body } = input;
	if (!sourcePath.startsWith('/') || /^\/[/\\]/.test(sourcePath)) {
		throw new Error(`quoteMarkdown: sourcePath must be a same-site path, got ${JSON.stringify(sourcePath)}`);
	}
	// Spaces, parentheses and angle brackets would end the link destination early.
	const path = sourcePath.replace(/[\s()<>\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
	const name = authorName.replace(/\s+/g, ' ').trim().replace(NAME_SPECIAL, '\\$&');
	const text = body.replace(/\r\n?/g, '\n').replace(/^\n+|\s+$/g, '');
	const lines = text === '' ? [] : ['>', ...text.split('\n').map((line) => (line.trim() === '' ? '>' : `> ${line}`))];
	return [`> [${name} a écrit](${path}) :`, ...lines].join('\n') + '\n\n';
}

/** Block tokens after which the next text starts a new "line" in plain text. */
function isBlockBoundary(token: Token): boolean {
	return token.block && token.type !== 'inline';
}

/**
 * The rendered text of a post without markup, for previews and notifications: whitespace
 * collapsed, cut at a word boundary with `…`, at most `maxLength` characters in all. It is
 * plain text, not HTML: escape it where it is shown (Svelte does).
 */
export function plainTextExcerpt(source: string, maxLength = 200): string {
	const parts: string[] = [];
	for (const token of md.parse(source, {})) {
		if (token.type === 'inline') parts.push(inlineText(token.children));
		else if (token.type === 'code_block' || token.type === 'fence') parts.push(token.content);
		else if (isBlockBoundary(token)) parts.push(' ');
	}
	const text = parts.join('').replace(/\s+/g, ' ').trim();
	if (text.length <= maxLength) return text;
	if (maxLength < 1) return '';
	let cut = text.slice(0, maxLength - 1);
	const space = cut.lastIndexOf(' ');
	// Past a word boundary if there is one; a single endless word (a URL) is cut where it falls.
	if (space > 0 && text.charAt(maxLength - 1) !== ' ') cut = cut.slice(0, space);
	// Never leave half a surrogate pair (an emoji) before the ellipsis.
	if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
	return cut.replace(/[\s,;:.!?…-]+$/u, '') + '…';
}
