import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const load = (locale: string) => JSON.parse(readFileSync(`messages/${locale}.json`, 'utf8')) as Record<string, unknown>;

function sourceFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return entry.name === 'paraglide' ? [] : sourceFiles(path);
		return /\.(svelte|ts)$/.test(entry.name) ? [path] : [];
	});
}

describe('message catalogue', () => {
	it('has every French message in English too, and no English-only message', () => {
		const fr = Object.keys(load('fr')).sort();
		const en = Object.keys(load('en')).sort();
		expect(en).toEqual(fr);
	});

	it('has every key the server may send as an error', () => {
		const fr = load('fr');
		const used = new Set<string>();
		for (const file of [...sourceFiles('server'), ...sourceFiles('web/src')]) {
			for (const match of readFileSync(file, 'utf8').matchAll(/'(error_[a-z_]+)'/g)) used.add(match[1]!);
		}
		const missing = [...used].filter((key) => !(key in fr) && !key.endsWith('_'));
		expect(missing).toEqual([]);
	});

	it('leaves no visible text hard-coded in Svelte markup', () => {
		const offenders: string[] = [];
		for (const file of sourceFiles('web/src').filter((f) => f.endsWith('.svelte'))) {
			let markup = readFileSync(file, 'utf8')
				.replace(/<script[\s\S]*?<\/script>/g, '')
				.replace(/<style[\s\S]*?<\/style>/g, '')
				.replace(/<!--[\s\S]*?-->/g, '');
			// Strip expressions from the innermost out: what stays is literal text.
			for (let previous = ''; previous !== markup;) {
				previous = markup;
				markup = markup.replace(/\{[^{}]*\}/g, '');
			}
			for (const match of markup.matchAll(/>([^<>]+)</g)) {
				const text = match[1]!.trim();
				// Language names are written in their own language on purpose; FR/EN are codes.
				if (text && /\p{L}{2,}/u.test(text) && !/^(Français|English|FR|EN)$/.test(text)) offenders.push(`${file}: ${text}`);
			}
		}
		expect(offenders).toEqual([]);
	});
});
