import { describe, expect, it } from 'vitest';
import {
	checkBody,
	decodeCsvBytes,
	normalise,
	parseCsv,
	toCsv,
	type WatchedWordEntry
} from '../../server/modules/moderation/watched-words.ts';

const entry = (phrase: string, action: WatchedWordEntry['action'], more: Partial<WatchedWordEntry> = {}): WatchedWordEntry => ({
	phrase,
	action,
	replacement: null,
	wholeWord: true,
	...more
});

describe('normalise', () => {
	it('drops case and accents, precomposed or not, and folds œ and typographic apostrophes', () => {
		expect(normalise('SÉCURITÉ Sécurité')).toBe('securite securite');
		expect(normalise('se\u0301curite\u0301')).toBe('securite');
		expect(normalise('Cœur d’ŒUVRE')).toBe("coeur d'oeuvre");
	});
});

describe('checkBody: matching', () => {
	const review = [entry('sécurité', 'review')];

	it('matches without regard to accents or case, both ways', () => {
		for (const text of ['la securite sociale', 'LA SÉCURITÉ SOCIALE', 'la Sécurité', 'la se\u0301curite\u0301']) {
			expect(checkBody(text, review), text).toEqual({ action: 'review', phrases: ['sécurité'], body: text });
		}
		expect(checkBody('la SECURITE', [entry('SÉCURITÉ', 'review')]).action).toBe('review');
		expect(checkBody('rien à signaler', review)).toEqual({ action: 'allow', body: 'rien à signaler' });
	});

	it('matches whole words by default, French letters included', () => {
		const list = [entry('arnaque', 'review')];
		expect(checkBody('des arnaques partout', list).action).toBe('allow');
		expect(checkBody('une arnaqueuse', list).action).toBe('allow');
		// Accents do not count, but an accented letter is a letter: « arnaquée » is another word.
		expect(checkBody('il s’est fait arnaqué', list).action).toBe('review');
		expect(checkBody('elle s’est fait arnaquée', list).action).toBe('allow');
		expect(checkBody('arnaqueé', list).action).toBe('allow');
		expect(checkBody('une arnaque.', list).action).toBe('review');
		expect(checkBody('l’arnaque', list).action).toBe('review');
		expect(checkBody("l'arnaque", list).action).toBe('review');
		expect(checkBody('anti-arnaque', list).action).toBe('review');
		expect(checkBody('«\u202farnaque\u202f»', list).action).toBe('review');
		expect(checkBody('ARNAQUE!', list).action).toBe('review');
	});

	it('matches inside words when wholeWord is false', () => {
		const list = [entry('arnaque', 'review', { wholeWord: false })];
		expect(checkBody('des arnaques partout', list).action).toBe('review');
		expect(checkBody('une arnaqueuse', list).action).toBe('review');
	});

	it('matches phrases with spaces, line breaks and apostrophes of either kind', () => {
		const list = [entry('mot de passe', 'review'), entry("aujourd'hui", 'review'), entry('prêt à taux zéro', 'review')];
		expect(checkBody('donnez votre MOT  DE\nPASSE', list)).toMatchObject({ action: 'review', phrases: ['mot de passe'] });
		expect(checkBody('mot de passes', list).action).toBe('allow');
		expect(checkBody('Aujourd’hui, rien', list)).toMatchObject({ phrases: ["aujourd'hui"] });
		expect(checkBody('un pret a\u00a0taux zero', list)).toMatchObject({ phrases: ['prêt à taux zéro'] });
	});

	it('treats regex characters in a phrase as plain text', () => {
		const list = [entry('c++', 'review'), entry('1.5%', 'review', { wholeWord: false }), entry('(a|b)*', 'review')];
		expect(checkBody('du C++ ici', list)).toMatchObject({ phrases: ['c++'] });
		expect(checkBody('1x5%', list).action).toBe('allow');
		expect(checkBody('a', list).action).toBe('allow');
		expect(checkBody('(a|b)*', list)).toMatchObject({ phrases: ['(a|b)*'] });
	});
});

describe('checkBody: verdicts', () => {
	it('replaces on the original text, keeping everything else as typed', () => {
		const list = [entry('arnaque', 'replace', { replacement: '[retiré]' })];
		expect(checkBody('Été : une ARNAQUE à Thiès, l’arnaque « arnaques ».', list)).toEqual({
			action: 'allow',
			body: 'Été : une [retiré] à Thiès, l’[retiré] « arnaques ».'
		});
	});

	it('replaces words whose accents are written as combining marks, leaving none behind', () => {
		const list = [entry('été', 'replace', { replacement: 'saison' })];
		expect(checkBody('l’e\u0301te\u0301 dernier, où l’été…', list)).toEqual({
			action: 'allow',
			body: 'l’saison dernier, où l’saison…'
		});
	});

	it('keeps characters outside the basic plane and expanded letters in place', () => {
		const list = [entry('coeur', 'replace', { replacement: '♥' })];
		expect(checkBody('😀 de tout cœur 😀 Cœur', list)).toEqual({ action: 'allow', body: '😀 de tout ♥ 😀 ♥' });
	});

	it('applies several replacements; the earliest, then longest, wins an overlap', () => {
		const list = [
			entry('mot', 'replace', { replacement: 'M' }),
			entry('mot de passe', 'replace', { replacement: '***' }),
			entry('passe', 'replace', { replacement: 'P' })
		];
		expect(checkBody('mot de passe, un mot, passe', list)).toEqual({ action: 'allow', body: '***, un M, P' });
	});

	it('sends to review with the replacements applied', () => {
		const list = [entry('urgent', 'review'), entry('arnaque', 'replace', { replacement: '…' }), entry('virement', 'review')];
		expect(checkBody('Virement urgent, arnaque', list)).toEqual({
			action: 'review',
			phrases: ['urgent', 'virement'],
			body: 'Virement urgent, …'
		});
	});

	it('lets block win over review and replace, naming the earliest word as typed', () => {
		const list = [
			entry('urgent', 'review'),
			entry('arnaque', 'replace', { replacement: '…' }),
			entry('escroc', 'block'),
			entry('fraude', 'block')
		];
		expect(checkBody('Urgent : une FRAUDE, un escroc, une arnaque', list)).toEqual({
			action: 'block',
			phrase: 'fraude',
			match: 'FRAUDE'
		});
	});

	it('allows anything with an empty list', () => {
		expect(checkBody('tout', [])).toEqual({ action: 'allow', body: 'tout' });
	});
});

describe('CSV', () => {
	const tricky: WatchedWordEntry[] = [
		entry('a, b', 'block'),
		entry('il a dit "non"', 'review', { wholeWord: false }),
		entry('deux\nlignes', 'replace', { replacement: 'x; y' }),
		entry('point;virgule', 'replace', { replacement: '« ok »' }),
		entry('sécurité', 'review')
	];

	it('round-trips commas, quotes, newlines, semicolons and accents', () => {
		const csv = toCsv(tricky);
		expect(csv.startsWith('\uFEFFphrase,action,replacement,whole_word\r\n')).toBe(true);
		expect(csv).toContain('"il a dit ""non""",review,,false\r\n');
		expect(parseCsv(csv)).toEqual({ ok: true, entries: tricky });
	});

	it('reads semicolon-separated files as French Excel writes them, with or without a BOM', () => {
		const excel = '\uFEFFphrase;action;replacement;whole_word\r\n"a, b";block;;VRAI\r\narnaque;replace;"x; y";faux\r\n;;;\r\n';
		expect(parseCsv(excel)).toEqual({
			ok: true,
			entries: [entry('a, b', 'block'), entry('arnaque', 'replace', { replacement: 'x; y', wholeWord: false })]
		});
		expect(parseCsv(excel.slice(1))).toEqual(parseCsv(excel));
	});

	it('accepts columns in any order, optional ones left out, LF endings and blank lines', () => {
		expect(parseCsv('Action,Phrase\n\nREVIEW,urgent\n')).toEqual({ ok: true, entries: [entry('urgent', 'review')] });
	});

	it('reports every bad line with its number, and imports nothing', () => {
		const csv = [
			'phrase,action,replacement,whole_word', // 1
			'bon,block,,true', // 2
			',block,,', // 3
			'x,supprimer,,', // 4
			'y,replace,,', // 5
			'z,review,,peut-être', // 6
			'"multi', // 7: the quoted field spans two lines
			'ligne",review,,', // 8
			'BON,review,,', // 9: same phrase as line 2 once folded
			'a,review,,true,extra', // 10
			'"b"c,review,,', // 11
			'"jamais fermé,review,,' // 12
		].join('\n');
		expect(parseCsv(csv)).toEqual({
			ok: false,
			errors: [
				{ line: 3, reason: 'ww_csv_phrase_missing' },
				{ line: 4, reason: 'ww_csv_action' },
				{ line: 5, reason: 'ww_csv_replacement_missing' },
				{ line: 6, reason: 'ww_csv_whole_word' },
				{ line: 9, reason: 'ww_csv_duplicate' },
				{ line: 10, reason: 'ww_csv_columns' },
				{ line: 11, reason: 'ww_csv_after_quote' },
				{ line: 12, reason: 'ww_csv_unclosed_quote' }
			]
		});
	});

	it('decodes uploaded files as UTF-8, or as Windows-1252 when they are not', () => {
		expect(decodeCsvBytes(new TextEncoder().encode('\uFEFFsécurité'))).toBe('sécurité');
		expect(decodeCsvBytes(Uint8Array.from([0x73, 0xe9, 0x63, 0x75, 0x72, 0x69, 0x74, 0xe9, 0x3b, 0x9c]))).toBe('sécurité;œ');
	});

	it('refuses a missing or unknown header and an empty file', () => {
		expect(parseCsv('arnaque,block')).toEqual({ ok: false, errors: [{ line: 1, reason: 'ww_csv_header' }] });
		expect(parseCsv('phrase,action,couleur\nx,block,rouge')).toEqual({
			ok: false,
			errors: [{ line: 1, reason: 'ww_csv_header' }]
		});
		expect(parseCsv('\uFEFF \n')).toEqual({ ok: false, errors: [{ line: 1, reason: 'ww_csv_empty' }] });
	});
});
