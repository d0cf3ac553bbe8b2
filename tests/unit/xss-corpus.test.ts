import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseFragment, type DefaultTreeAdapterTypes } from 'parse5';
import { describe, expect, it } from 'vitest';
import { quoteMarkdown, renderMarkdown } from '../../server/lib/markdown.ts';

/*
 * Every payload of the public XSS corpora in shared/testdata/xss/, rendered as a post, must
 * come out as nothing but the handful of elements and attributes Markdown can produce. The
 * output is read with a real HTML parser (parse5, the HTML standard's algorithm) rather than
 * regexes, so a payload that only becomes a tag once a browser parses it is caught too.
 * The corpus sits in shared/, beside the repository, on developers' machines and in CI alike.
 */
const corpusDir = new URL('../../../shared/testdata/xss/', import.meta.url);

type Payload = { file: string; index: number; text: string };

/*
 * Each file opens with a `# source: … | license: …` header. The H5SC file holds records
 * (`### vector N` then the vector, which may span lines, be blank or start with `#`); the
 * others hold one payload a line, kept as is (leading spaces matter to some).
 */
function readCorpus(): Payload[] {
	const payloads: Payload[] = [];
	for (const file of readdirSync(corpusDir).sort()) {
		if (!file.endsWith('.txt')) continue;
		const [header = '', ...lines] = readFileSync(new URL(file, corpusDir), 'utf8').replace(/\n$/, '').split('\n');
		expect(header, `${file} names its source`).toMatch(/^# source: .*\| licen[cs]e: /);
		const records: string[] = [];
		if (lines.some((line) => /^### vector \d+$/.test(line))) {
			for (const line of lines) {
				if (/^### vector \d+$/.test(line)) records.push('');
				else if (records.length > 0) records[records.length - 1] += records[records.length - 1] === '' ? line : `\n${line}`;
			}
		} else {
			records.push(...lines.filter((line) => line.trim() !== ''));
		}
		// The header's own count, where it gives one, proves the file was split as meant.
		const stated = /\| (?:[^|]*?\b)?(\d+) (?:[\w-]+ )*?(?:vectors|polyglots)\b/.exec(header);
		if (stated) expect(records.length, `${file}: payloads counted vs header`).toBe(Number(stated[1]));
		records.forEach((text, index) => payloads.push({ file, index: index + 1, text }));
	}
	return payloads;
}

const ELEMENTS = new Set([
	'p',
	'br',
	'strong',
	'em',
	'del',
	's',
	'code',
	'pre',
	'blockquote',
	'ul',
	'ol',
	'li',
	'a',
	'table',
	'thead',
	'tbody',
	'tr',
	'th',
	'td',
	'h3',
	'h4',
	'h5',
	'h6',
	'hr'
]);

// Written apart from the renderer's own check on purpose: the test should not trust the code it tests.
function isSafeHref(href: string): boolean {
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u0020\u007f]/.test(href)) return false;
	return /^(?:https?:|mailto:|#|\/(?![/\\]))/i.test(href);
}

/** Every problem found in a rendered post, as readable strings (empty when it is safe). */
function problems(html: string): string[] {
	const found: string[] = [];
	const visit = (node: DefaultTreeAdapterTypes.ChildNode) => {
		if (node.nodeName === '#text') return;
		if (!('tagName' in node)) {
			found.push(`unexpected ${node.nodeName} node`);
			return;
		}
		const tag = node.tagName;
		if (!ELEMENTS.has(tag) || node.namespaceURI !== 'http://www.w3.org/1999/xhtml') found.push(`element <${tag}>`);
		for (const { name, value } of node.attrs) {
			if (/^on/i.test(name)) found.push(`event handler ${name} on <${tag}>`);
			else if (name === 'href' && tag === 'a') {
				if (!isSafeHref(value)) found.push(`href ${JSON.stringify(value)}`);
			} else if (name === 'rel' && tag === 'a') {
				if (value !== 'nofollow ugc noopener') found.push(`rel ${JSON.stringify(value)}`);
			} else if (name === 'class') {
				const ok = (tag === 'a' && value === 'mention') || (tag === 'code' && /^language-\S+$/.test(value));
				if (!ok) found.push(`class ${JSON.stringify(value)} on <${tag}>`);
			} else if (name === 'style' && (tag === 'th' || tag === 'td')) {
				if (!/^text-align:(left|right|center)$/.test(value)) found.push(`style ${JSON.stringify(value)}`);
			} else {
				found.push(`attribute ${name} on <${tag}>`);
			}
		}
		if (tag === 'a' && (!node.attrs.some((a) => a.name === 'href') || !node.attrs.some((a) => a.name === 'rel'))) {
			found.push('link without href or rel');
		}
		node.childNodes.forEach(visit);
	};
	parseFragment(html).childNodes.forEach(visit);
	return found;
}

// Resolving every handle puts the mention links through the corpus as well.
const mentionUrl = (handle: string) => `/membres/${handle}`;

/** The same payload where Markdown gives it a meaning: link and image targets, autolink, table, heading, quote. */
function contexts(text: string): [string, string][] {
	const oneLine = text.replace(/\n/g, ' ');
	return [
		['post', text],
		['link text', `[${oneLine}](https://example.org)`],
		['link target', `[x](${oneLine})`],
		['angle link target', `[x](<${oneLine}>)`],
		['image target', `![x](${oneLine})`],
		['reference', `[x]\n\n[x]: ${oneLine}`],
		['autolink', `<${oneLine}>`],
		['table cell', `| a | b |\n|:-:|--:|\n| ${oneLine} | x |`],
		['heading', `# ${oneLine}`],
		['fence info', `\`\`\`${oneLine}\nx\n\`\`\``],
		['quote', quoteMarkdown({ authorName: oneLine, sourcePath: '/fils/abc#p-1', body: text })]
	];
}

describe('XSS corpus', () => {
	const payloads = readCorpus();

	it('reads the corpora', () => {
		expect(payloads.length).toBeGreaterThan(200);
	});

	it('has a checker that catches what it must', () => {
		expect(
			problems('<p><a href="https://a.example" rel="nofollow ugc noopener">a</a> <code class="language-js">x</code></p>')
		).toEqual([]);
		for (const html of [
			'<img src=x onerror=alert(1)>',
			'<p onclick="alert(1)">x</p>',
			'<a href="javascript:alert(1)" rel="nofollow ugc noopener">x</a>',
			'<a href=" javascript:alert(1)" rel="nofollow ugc noopener">x</a>',
			'<a href="//evil.example" rel="nofollow ugc noopener">x</a>',
			'<a href="https://a.example">x</a>',
			'<p class="mention">x</p>',
			'<td style="background:url(x)">x</td>',
			'<h1>x</h1>',
			'<svg><a href="https://a.example" rel="nofollow ugc noopener">x</a></svg>',
			'<!-- x -->',
			'<p title="x">x</p>'
		]) {
			expect(problems(html), html).not.toEqual([]);
		}
	});

	it('renders every payload, in every Markdown context, as safe elements and attributes only', () => {
		const failures: string[] = [];
		let renders = 0;
		for (const { file, index, text } of payloads) {
			for (const [context, source] of contexts(text)) {
				const html = renderMarkdown(source, { mentionUrl });
				renders++;
				for (const problem of problems(html)) failures.push(`${file} #${index} (${context}): ${problem}\n  ${html}`);
			}
		}
		console.log(`XSS corpus: ${payloads.length} payloads checked, ${renders} renders in ${contexts('').length} contexts.`);
		expect(failures).toEqual([]);
	});

	it('renders the whole corpus well under a second', () => {
		const sources = payloads.map((p) => p.text);
		for (const source of sources) renderMarkdown(source, { mentionUrl }); // warm-up: JIT and lazy init
		const rounds = 20;
		const start = performance.now();
		for (let round = 0; round < rounds; round++) {
			for (const source of sources) renderMarkdown(source, { mentionUrl });
		}
		const elapsed = performance.now() - start;
		const perRender = (elapsed * 1000) / (rounds * sources.length);
		console.log(`XSS corpus: ${perRender.toFixed(1)} µs per render, ${(elapsed / rounds).toFixed(1)} ms per corpus pass.`);
		// Loose on purpose (a busy CI machine is slower): a pass takes milliseconds.
		expect(elapsed / rounds).toBeLessThan(1000);
	});
});
