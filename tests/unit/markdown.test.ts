import { describe, expect, it } from 'vitest';
import { extractMentions, isAllowedUrl, plainTextExcerpt, quoteMarkdown, renderMarkdown } from '../../server/lib/markdown.ts';

const REL = 'rel="nofollow ugc noopener"';
const members = new Set(['awa', 'jean-paul', 'mutuelle-du-sahel']);
const mentionUrl = (handle: string) => (members.has(handle) ? `/membres/${handle}` : null);
const mention = (handle: string, text = `@${handle}`) => `<a href="/membres/${handle}" class="mention" ${REL}>${text}</a>`;

describe('renderMarkdown: Markdown', () => {
	it('renders tables with their alignment', () => {
		const html = renderMarkdown('| Garantie | Taux |\n|:--|--:|\n| Optique | 100 % |');
		expect(html).toContain('<table>');
		expect(html).toContain('<th style="text-align:left">Garantie</th>');
		expect(html).toContain('<td style="text-align:right">100 %</td>');
	});

	it('renders strikethrough, emphasis and line breaks typed on a phone', () => {
		expect(renderMarkdown('~~ancien~~ **nouveau** _taux_\nligne suivante')).toBe(
			'<p><s>ancien</s> <strong>nouveau</strong> <em>taux</em><br>\nligne suivante</p>\n'
		);
	});

	it('links bare URLs, e-mail addresses and autolinks', () => {
		expect(renderMarkdown('Voir https://www.service-public.fr/particuliers.')).toBe(
			`<p>Voir <a href="https://www.service-public.fr/particuliers" ${REL}>https://www.service-public.fr/particuliers</a>.</p>\n`
		);
		expect(renderMarkdown('contact@mutuelle.example')).toBe(
			`<p><a href="mailto:contact@mutuelle.example" ${REL}>contact@mutuelle.example</a></p>\n`
		);
		expect(renderMarkdown('<https://example.org/a?b=1&c=2>')).toBe(
			`<p><a href="https://example.org/a?b=1&amp;c=2" ${REL}>https://example.org/a?b=1&amp;c=2</a></p>\n`
		);
	});

	it('escapes code blocks, code spans and raw HTML', () => {
		expect(renderMarkdown('```html\n<script>alert(1)</script>\n```')).toBe(
			'<pre><code class="language-html">&lt;script&gt;alert(1)&lt;/script&gt;\n</code></pre>\n'
		);
		expect(renderMarkdown('`<b>`')).toBe('<p><code>&lt;b&gt;</code></p>\n');
		expect(renderMarkdown('<script>alert(1)</script>\n<img src=x onerror=alert(1)>')).toBe(
			'<p>&lt;script&gt;alert(1)&lt;/script&gt;<br>\n&lt;img src=x onerror=alert(1)&gt;</p>\n'
		);
		expect(renderMarkdown('<div onclick="alert(1)">\n\nx\n\n</div>')).not.toContain('<div');
	});

	it('downgrades headings below the page’s own h1 and h2', () => {
		expect(renderMarkdown('# 1\n## 2\n### 3\n#### 4\n##### 5\n###### 6\n\nSétext\n===')).toBe(
			'<h3>1</h3>\n<h4>2</h4>\n<h5>3</h5>\n<h6>4</h6>\n<h6>5</h6>\n<h6>6</h6>\n<h3>Sétext</h3>\n'
		);
	});

	it('derives no id or name attribute from user text', () => {
		expect(renderMarkdown('# Sommaire\n\n[^1] [x][y]\n\n[y]: /fils/1')).not.toMatch(/\s(id|name)=/);
	});
});

describe('renderMarkdown: links', () => {
	it('gives every link exactly rel="nofollow ugc noopener" and no target or title', () => {
		const html = renderMarkdown(
			'[a](https://example.org "titre") [b](/fils/abc#p-3) [c](#p-2) [d](mailto:a@b.example) [e]\n\n[e]: http://example.org'
		);
		expect(html).toBe(
			`<p><a href="https://example.org" ${REL}>a</a> <a href="/fils/abc#p-3" ${REL}>b</a> <a href="#p-2" ${REL}>c</a> ` +
				`<a href="mailto:a@b.example" ${REL}>d</a> <a href="http://example.org" ${REL}>e</a></p>\n`
		);
		expect(html.match(/<a /g)).toHaveLength(5);
		expect(html.match(/rel="nofollow ugc noopener"/g)).toHaveLength(5);
		expect(html).not.toContain('target=');
		expect(html).not.toContain('title=');
	});

	it.each([
		['javascript:alert(1)'],
		['JaVaScRiPt:alert(1)'],
		['javascript&#58;alert(1)'],
		['javascript&colon;alert(1)'],
		['&#106;avascript:alert(1)'],
		['%6Aavascript:alert(1)'],
		['<java\tscript:alert(1)>'],
		['data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='],
		['data:image/png;base64,iVBORw0KGgo='],
		['vbscript:msgbox(1)'],
		['file:///etc/passwd'],
		['ftp://example.org/x'],
		['//evil.example/path'],
		['\\\\evil.example'],
		['relative/path'],
		['']
	])('does not link [x](%s)', (target) => {
		const html = renderMarkdown(`[x](${target})`);
		expect(html).not.toContain('<a');
		expect(html).not.toMatch(/href/i);
	});

	it('does not link unsafe reference definitions, autolinks or bare text', () => {
		for (const source of [
			'[x]\n\n[x]: javascript:alert(1)',
			'[x]\n\n[x]: //evil.example',
			'<javascript:alert(1)>',
			'<vbscript:x>',
			'<//evil.example>',
			'javascript:alert(1)',
			'//evil.example',
			'ftp://example.org'
		]) {
			expect(renderMarkdown(source), source).not.toContain('<a');
		}
	});

	it('keeps encoded control characters encoded, so the target stays on the site', () => {
		// A raw tab would vanish in the browser and leave `//evil.example`; encoded, it is a path.
		expect(renderMarkdown('[x](</\t/evil.example>)')).toBe(`<p><a href="/%09/evil.example" ${REL}>x</a></p>\n`);
	});

	it('renders images as links to the image, never as <img>', () => {
		expect(renderMarkdown('![Affiche du forum](https://example.org/affiche.png)')).toBe(
			`<p><a href="https://example.org/affiche.png" ${REL}>Affiche du forum</a></p>\n`
		);
		expect(renderMarkdown('![](https://example.org/pixel.gif)')).toBe(
			`<p><a href="https://example.org/pixel.gif" ${REL}>https://example.org/pixel.gif</a></p>\n`
		);
		// A badge inside a link: one link, since a link can't hold another.
		expect(renderMarkdown('[![badge](https://example.org/b.svg)](https://example.org)')).toBe(
			`<p><a href="https://example.org" ${REL}>badge</a></p>\n`
		);
	});

	it('renders images that are not http(s) as text', () => {
		expect(renderMarkdown('![logo](/static/logo.png)')).toBe('<p>logo</p>\n');
		expect(renderMarkdown('![x](mailto:a@b.example)')).toBe('<p>x</p>\n');
		for (const source of [
			'![x](javascript:alert(1))',
			'![x](data:image/png;base64,iVBORw0KGgo=)',
			'![x](//evil.example/p.gif)'
		]) {
			const html = renderMarkdown(source);
			expect(html, source).not.toMatch(/<a|<img|href|src=/);
		}
	});

	it('allows only http(s), mailto, same-site paths and fragments', () => {
		for (const url of ['https://a.example', 'HTTP://a.example', 'mailto:a@b.example', '/fils/abc#p-3', '#p-3', '/']) {
			expect(isAllowedUrl(url), url).toBe(true);
		}
		for (const url of [
			'javascript:x',
			' javascript:x',
			'java\tscript:x',
			'//a.example',
			'/\\a.example',
			'/\t/a.example',
			'a.example',
			'tel:1'
		]) {
			expect(isAllowedUrl(url), url).toBe(false);
		}
	});
});

describe('renderMarkdown: mentions', () => {
	it('links the handles mentionUrl resolves', () => {
		expect(renderMarkdown('Merci @awa et @jean-paul !', { mentionUrl })).toBe(
			`<p>Merci ${mention('awa')} et ${mention('jean-paul')} !</p>\n`
		);
		expect(renderMarkdown('@awa, (@jean-paul) **@mutuelle-du-sahel**\n@awa.', { mentionUrl })).toBe(
			`<p>${mention('awa')}, (${mention('jean-paul')}) <strong>${mention('mutuelle-du-sahel')}</strong><br>\n${mention('awa')}.</p>\n`
		);
	});

	it('matches a handle capitalised by the phone, keeping the text as typed', () => {
		expect(renderMarkdown('@Awa bonjour', { mentionUrl })).toBe(`<p>${mention('awa', '@Awa')} bonjour</p>\n`);
	});

	it('leaves unknown handles, and every mention without mentionUrl, as text', () => {
		expect(renderMarkdown('@inconnu et @awa', { mentionUrl })).toBe(`<p>@inconnu et ${mention('awa')}</p>\n`);
		expect(renderMarkdown('@awa')).toBe('<p>@awa</p>\n');
	});

	it('leaves mentions in code, e-mail addresses, links, paths and escapes alone', () => {
		for (const source of [
			'`@awa`',
			'```\n@awa\n```',
			'    @awa',
			'awa@awa.example',
			'x@awa',
			'[@awa](https://example.org)',
			'https://social.example/@awa',
			'<https://social.example/@awa>',
			'example.org/@awa',
			'\\@awa',
			'&#64;awa',
			'@awa_b',
			'@awaé',
			'envoyez à @mutuelle.example',
			'@a'
		]) {
			expect(renderMarkdown(source, { mentionUrl }), source).not.toContain('class="mention"');
		}
	});

	it('asks mentionUrl once per handle and never links to what fails the allow-list', () => {
		const asked: string[] = [];
		const html = renderMarkdown('@awa @awa @awa @evil', {
			mentionUrl: (handle) => {
				asked.push(handle);
				return handle === 'evil' ? 'javascript:alert(1)' : `/membres/${handle}`;
			}
		});
		expect(asked).toEqual(['awa', 'evil']);
		expect(html).toBe(`<p>${mention('awa')} ${mention('awa')} ${mention('awa')} @evil</p>\n`);
	});
});

describe('extractMentions', () => {
	it('lists unique lowercase handles in order of first appearance', () => {
		expect(extractMentions('@jean-paul puis @Awa, @awa et @JEAN-PAUL')).toEqual(['jean-paul', 'awa']);
	});

	it('follows the same rules as rendering', () => {
		expect(
			extractMentions('`@code` awa@mail.example [@lien](https://x.example) \\@echappe https://s.example/@url @vrai\n\n    @bloc')
		).toEqual(['vrai']);
		expect(extractMentions('Pas de mention.')).toEqual([]);
	});

	it('stops at 20 handles', () => {
		const source = Array.from({ length: 30 }, (_, i) => `@membre-${i}`).join(' ');
		const handles = extractMentions(source);
		expect(handles).toHaveLength(20);
		expect(handles[0]).toBe('membre-0');
		expect(handles[19]).toBe('membre-19');
	});
});

describe('quoteMarkdown', () => {
	it('quotes every line under a link to the source', () => {
		expect(
			quoteMarkdown({ authorName: 'Awa Ndiaye', sourcePath: '/fils/abc#p-3', body: 'Bonjour,\n\nle taux change.\r\n- a\n- b\n' })
		).toBe('> [Awa Ndiaye a écrit](/fils/abc#p-3) :\n>\n> Bonjour,\n>\n> le taux change.\n> - a\n> - b\n\n');
	});

	it('quotes an empty post as its link alone', () => {
		expect(quoteMarkdown({ authorName: 'Awa', sourcePath: '/fils/abc#p-3', body: '\n \n' })).toBe(
			'> [Awa a écrit](/fils/abc#p-3) :\n\n'
		);
	});

	it('renders as a blockquote that links to the source', () => {
		const markdown = quoteMarkdown({
			authorName: 'Awa [Ndiaye] (*admin*) <b>_x_</b> \\ `y`',
			sourcePath: '/fils/abc#p-3',
			body: 'Premier **point**\n\n> déjà cité\n\n[lien](javascript:alert(1))'
		});
		expect(markdown.split('\n')[0]).toBe(
			'> [Awa \\[Ndiaye\\] \\(\\*admin\\*\\) \\<b\\>\\_x\\_\\</b\\> \\\\ \\`y\\` a écrit](/fils/abc#p-3) :'
		);
		const html = renderMarkdown(`${markdown}Ma réponse`);
		expect(html).toBe(
			'<blockquote>\n' +
				`<p><a href="/fils/abc#p-3" ${REL}>Awa [Ndiaye] (*admin*) &lt;b&gt;_x_&lt;/b&gt; \\ \`y\` a écrit</a> :</p>\n` +
				'<p>Premier <strong>point</strong></p>\n' +
				'<blockquote>\n<p>déjà cité</p>\n</blockquote>\n' +
				'<p>[lien](javascript:alert(1))</p>\n' +
				'</blockquote>\n' +
				'<p>Ma réponse</p>\n'
		);
	});

	it('refuses a source that is not a same-site path', () => {
		for (const sourcePath of ['https://evil.example/', '//evil.example', '/\\evil.example', 'fils/abc', 'javascript:alert(1)']) {
			expect(() => quoteMarkdown({ authorName: 'A', sourcePath, body: 'x' }), sourcePath).toThrow();
		}
	});

	it('keeps the link whole when the path has spaces or parentheses', () => {
		const markdown = quoteMarkdown({ authorName: 'A', sourcePath: '/fils/a b(c)', body: 'x' });
		expect(renderMarkdown(markdown)).toContain(`<a href="/fils/a%20b%28c%29" ${REL}>A a écrit</a>`);
	});
});

describe('plainTextExcerpt', () => {
	const source =
		'## Réunion\n\nLe **conseil** se tient [jeudi](/agenda/1) à 14 h.\n\n- ordre du jour\n- `budget`\n\n![plan](https://example.org/p.png)';

	it('gives the rendered text without markup, whitespace collapsed', () => {
		expect(plainTextExcerpt(source)).toBe('Réunion Le conseil se tient jeudi à 14 h. ordre du jour budget plan');
		expect(plainTextExcerpt('<b>gras</b> &amp; @awa')).toBe('<b>gras</b> & @awa');
	});

	it('cuts at a word boundary with an ellipsis, within maxLength', () => {
		const excerpt = plainTextExcerpt(source, 30);
		expect(excerpt).toBe('Réunion Le conseil se tient…');
		expect(excerpt.length).toBeLessThanOrEqual(30);
		expect(plainTextExcerpt('un deux trois', 8)).toBe('un deux…');
		expect(plainTextExcerpt('https://example.org/un-tres-long-chemin', 12)).toBe('https://exa…');
		expect(plainTextExcerpt('court', 200)).toBe('court');
	});

	it('never splits an emoji', () => {
		expect(plainTextExcerpt('abcd😀efgh', 6)).toBe('abcd…');
	});
});
