/**
 * Watched words, as pure functions: folding text for comparison, matching a list of phrases
 * against a post, applying replacements to the author's own text, and the CSV the admins
 * import and export. No database, no clock: the service feeds them the list.
 */
import { watchedWordActions, type WatchedWordAction } from '../../../db/schema/values.ts';
import { CSV_BOM, csvField } from '../../lib/csv.ts';

export interface WatchedWordEntry {
	phrase: string;
	action: WatchedWordAction;
	/** For `replace`: what the phrase becomes. Ignored for the other actions. */
	replacement: string | null;
	/** Whole words only (default), or anywhere, even inside a longer word. */
	wholeWord: boolean;
}

export type WatchedWordVerdict =
	/** Refused. `phrase` is the list's phrase, `match` what the author actually typed. */
	| { action: 'block'; phrase: string; match: string }
	/** Goes to the review queue; `body` has the replacements applied. */
	| { action: 'review'; phrases: string[]; body: string }
	/** Publish `body` (replacements applied; the input itself when nothing matched). */
	| { action: 'allow'; body: string };

// ---------------------------------------------------------------------------------------
// Folding

/** Characters NFD leaves whole but a French reader treats as the letters they stand for. */
const LIGATURES: Record<string, string> = { œ: 'oe', æ: 'ae', ß: 'ss', ﬁ: 'fi', ﬂ: 'fl' };
/** Typographic apostrophes and hyphens, so « aujourd’hui » matches "aujourd'hui". */
const PUNCTUATION: Record<string, string> = {
	'\u2019': "'",
	'\u2018': "'",
	'\u02bc': "'",
	'\u2032': "'",
	'\u2010': '-',
	'\u2011': '-',
	'\u2013': '-'
};

function foldCluster(cluster: string): string {
	const stripped = cluster.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
	let out = '';
	for (const char of stripped) out += LIGATURES[char] ?? PUNCTUATION[char] ?? char;
	return out;
}

/** Case- and accent-insensitive form of a text: NFD, diacritics removed, lower case. */
export function normalise(text: string): string {
	return foldText(text).folded;
}

/**
 * A base character with the combining marks that follow it: one unit of the original text,
 * so that a replacement never leaves an accent dangling on the next character.
 */
const CLUSTER = /\P{M}\p{M}*|\p{M}+/gsu;

interface FoldedText {
	folded: string;
	/** For each UTF-16 unit of `folded`: start and end of the original cluster it came from. */
	starts: number[];
	ends: number[];
}

/** Folds cluster by cluster, remembering where each folded unit came from in the original. */
function foldText(text: string): FoldedText {
	let folded = '';
	const starts: number[] = [];
	const ends: number[] = [];
	for (const match of text.matchAll(CLUSTER)) {
		const start = match.index;
		const end = start + match[0].length;
		const piece = foldCluster(match[0]);
		folded += piece;
		for (let i = 0; i < piece.length; i++) {
			starts.push(start);
			ends.push(end);
		}
	}
	return { folded, starts, ends };
}

// ---------------------------------------------------------------------------------------
// Matching

export interface CompiledWatchedWord extends WatchedWordEntry {
	/** Global, Unicode regex over folded text. */
	pattern: RegExp;
}

/** Only syntax characters may be escaped in a Unicode-mode regex (`\-` is an error there). */
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * Phrase → regex over folded text. Whole-word boundaries are "no letter or digit on either
 * side", which `\b` cannot say for French (`\b` knows only ASCII letters): « l’arnaque » and
 * « anti-arnaque » contain the word "arnaque", « arnaques » does not. Any run of spaces in the
 * phrase matches any run of white space (line breaks, non-breaking spaces) in the text.
 */
export function compileEntry(entry: WatchedWordEntry): CompiledWatchedWord | null {
	const folded = normalise(entry.phrase).trim();
	if (!folded) return null;
	const body = folded.split(/\s+/u).map(escapeRegExp).join('\\s+');
	const source = entry.wholeWord ? `(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])` : body;
	return { ...entry, pattern: new RegExp(source, 'gu') };
}

export function compileList(entries: readonly WatchedWordEntry[]): CompiledWatchedWord[] {
	return entries.map(compileEntry).filter((c): c is CompiledWatchedWord => c !== null);
}

interface Hit {
	entry: CompiledWatchedWord;
	/** Range in the original text. */
	start: number;
	end: number;
}

function hits(text: FoldedText, entry: CompiledWatchedWord): Hit[] {
	const found: Hit[] = [];
	for (const match of text.folded.matchAll(entry.pattern)) {
		if (match[0].length === 0) continue;
		const start = text.starts[match.index]!;
		const end = text.ends[match.index + match[0].length - 1]!;
		found.push({ entry, start, end });
	}
	return found;
}

/**
 * The verdict on a post body. Block wins over review; replacements are made on the
 * author's original text, everything outside the matched words kept as typed (accents,
 * case, spacing). Overlapping replacements: the earliest, then the longest, wins.
 * Accepts a compiled list (from `compileList`) or raw entries.
 */
export function checkBody(body: string, list: readonly (CompiledWatchedWord | WatchedWordEntry)[]): WatchedWordVerdict {
	const compiled = list.map((e) => ('pattern' in e ? e : compileEntry(e))).filter((c): c is CompiledWatchedWord => c !== null);
	if (compiled.length === 0) return { action: 'allow', body };
	const text = foldText(body);

	let firstBlock: Hit | null = null;
	const review: string[] = [];
	const replacements: Hit[] = [];
	for (const entry of compiled) {
		const found = hits(text, entry);
		if (found.length === 0) continue;
		if (entry.action === 'block') {
			if (!firstBlock || found[0]!.start < firstBlock.start) firstBlock = found[0]!;
		} else if (entry.action === 'review') {
			if (!review.includes(entry.phrase)) review.push(entry.phrase);
		} else {
			replacements.push(...found);
		}
	}
	if (firstBlock) {
		return { action: 'block', phrase: firstBlock.entry.phrase, match: body.slice(firstBlock.start, firstBlock.end) };
	}

	replacements.sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start));
	let result = '';
	let cursor = 0;
	for (const hit of replacements) {
		if (hit.start < cursor) continue;
		result += body.slice(cursor, hit.start) + (hit.entry.replacement ?? '');
		cursor = hit.end;
	}
	result += body.slice(cursor);

	return review.length > 0 ? { action: 'review', phrases: review, body: result } : { action: 'allow', body: result };
}

// ---------------------------------------------------------------------------------------
// CSV

export const CSV_COLUMNS = ['phrase', 'action', 'replacement', 'whole_word'] as const;
/** Longest phrase or replacement, here and in the API schema. */
export const PHRASE_MAX = 200;

/**
 * RFC 4180 CSV (comma, CRLF, fields quoted when needed) with a UTF-8 byte-order mark, which
 * Excel needs to read accents right; `parseCsv` ignores it.
 */
export function toCsv(entries: readonly WatchedWordEntry[]): string {
	const lines = [CSV_COLUMNS.join(',')];
	for (const e of entries) {
		lines.push(
			[e.phrase, e.action, e.action === 'replace' ? (e.replacement ?? '') : '', e.wholeWord ? 'true' : 'false']
				.map(csvField)
				.join(',')
		);
	}
	return CSV_BOM + lines.join('\r\n') + '\r\n';
}

/** Why a line of an imported file was refused: catalogue keys (`ww_csv_*`). */
export type CsvErrorReason =
	| 'ww_csv_empty'
	| 'ww_csv_header'
	| 'ww_csv_unclosed_quote'
	| 'ww_csv_after_quote'
	| 'ww_csv_columns'
	| 'ww_csv_phrase_missing'
	| 'ww_csv_phrase_long'
	| 'ww_csv_action'
	| 'ww_csv_replacement_missing'
	| 'ww_csv_replacement_long'
	| 'ww_csv_whole_word'
	| 'ww_csv_duplicate';

export interface CsvLineError {
	/** 1-based line of the file where the record starts (the header is line 1). */
	line: number;
	reason: CsvErrorReason;
}

export type CsvParseResult = { ok: true; entries: WatchedWordEntry[] } | { ok: false; errors: CsvLineError[] };

interface CsvRecord {
	line: number;
	fields: string[];
	error?: CsvErrorReason;
}

/** The delimiter of the header line: French Excel writes `;`, everyone else `,`. */
function detectDelimiter(text: string): ',' | ';' {
	const firstLine = text.split(/\r\n|\n|\r/, 1)[0] ?? '';
	const count = (c: string) => firstLine.split(c).length - 1;
	return count(';') > count(',') ? ';' : ',';
}

/** RFC 4180 records, quoted fields spanning lines included, each with its first line. */
function records(text: string, delimiter: string): CsvRecord[] {
	const out: CsvRecord[] = [];
	let line = 1;
	let record: CsvRecord = { line, fields: [] };
	let field = '';
	let i = 0;
	const endRecord = () => {
		record.fields.push(field);
		field = '';
		out.push(record);
		record = { line, fields: [] };
	};
	while (i < text.length) {
		const c = text[i]!;
		if (c === '"' && field === '') {
			// A quoted field: up to the next lone quote; "" is a quote.
			let j = i + 1;
			let value = '';
			let closed = false;
			while (j < text.length) {
				const d = text[j]!;
				if (d === '"') {
					if (text[j + 1] === '"') {
						value += '"';
						j += 2;
						continue;
					}
					closed = true;
					j++;
					break;
				}
				if (d === '\r' && text[j + 1] === '\n') {
					value += '\r\n';
					j += 2;
					line++;
					continue;
				}
				if (d === '\n' || d === '\r') line++;
				value += d;
				j++;
			}
			if (!closed) {
				record.error ??= 'ww_csv_unclosed_quote';
				field = value;
				i = j;
				break;
			}
			field = value;
			i = j;
			// Only a delimiter or the end of the line may follow a closing quote.
			const next = text[i];
			if (next !== undefined && next !== delimiter && next !== '\r' && next !== '\n') {
				record.error ??= 'ww_csv_after_quote';
				while (i < text.length && text[i] !== delimiter && text[i] !== '\r' && text[i] !== '\n') field += text[i++];
			}
			continue;
		}
		if (c === delimiter) {
			record.fields.push(field);
			field = '';
			i++;
			continue;
		}
		if (c === '\r' || c === '\n') {
			i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
			line++;
			endRecord();
			continue;
		}
		field += c;
		i++;
	}
	if (field !== '' || record.fields.length > 0 || record.error) endRecord();
	return out;
}

const TRUE_WORDS = new Set(['true', 'vrai', 'oui', 'yes', '1', 'o', 'y', 'x']);
const FALSE_WORDS = new Set(['false', 'faux', 'non', 'no', '0', 'n']);

/**
 * Parses an imported list. The header names the columns (`phrase,action,replacement,
 * whole_word`, any order; `replacement` and `whole_word` may be left out, whole word then
 * defaults to true). Comma or semicolon separated, CRLF or LF, a BOM ignored, blank lines
 * skipped. All or nothing: every bad line is reported, and no entry is returned if any is.
 */
export function parseCsv(input: string): CsvParseResult {
	const text = input.replace(/^\uFEFF/, '');
	if (text.trim() === '') return { ok: false, errors: [{ line: 1, reason: 'ww_csv_empty' }] };
	const all = records(text, detectDelimiter(text)).filter((r) => r.error || r.fields.some((f) => f.trim() !== ''));
	const [header, ...rows] = all;
	const columns = header!.fields.map((f) => f.trim().toLowerCase());
	const index = (name: (typeof CSV_COLUMNS)[number]) => columns.indexOf(name);
	const known = columns.every((c) => (CSV_COLUMNS as readonly string[]).includes(c));
	const unique = new Set(columns).size === columns.length;
	if (header!.error || !known || !unique || index('phrase') < 0 || index('action') < 0) {
		return { ok: false, errors: [{ line: header!.line, reason: 'ww_csv_header' }] };
	}

	const errors: CsvLineError[] = [];
	const entries: WatchedWordEntry[] = [];
	const seen = new Set<string>();
	for (const row of rows) {
		const fail = (reason: CsvErrorReason) => errors.push({ line: row.line, reason });
		if (row.error) {
			fail(row.error);
			continue;
		}
		if (row.fields.length > columns.length) {
			fail('ww_csv_columns');
			continue;
		}
		const cell = (name: (typeof CSV_COLUMNS)[number]) => {
			const i = index(name);
			return i < 0 ? '' : (row.fields[i] ?? '').trim();
		};
		const phrase = cell('phrase');
		const action = cell('action').toLowerCase();
		const replacement = cell('replacement');
		const wholeWord = cell('whole_word').toLowerCase();
		if (!phrase || !normalise(phrase).trim()) fail('ww_csv_phrase_missing');
		else if (phrase.length > PHRASE_MAX) fail('ww_csv_phrase_long');
		else if (!(watchedWordActions as readonly string[]).includes(action)) fail('ww_csv_action');
		else if (action === 'replace' && !replacement) fail('ww_csv_replacement_missing');
		else if (replacement.length > PHRASE_MAX) fail('ww_csv_replacement_long');
		else if (wholeWord && !TRUE_WORDS.has(wholeWord) && !FALSE_WORDS.has(wholeWord)) fail('ww_csv_whole_word');
		else {
			const key = phraseKey(phrase);
			if (seen.has(key)) {
				fail('ww_csv_duplicate');
				continue;
			}
			seen.add(key);
			entries.push({
				phrase,
				action: action as WatchedWordAction,
				replacement: action === 'replace' ? replacement : null,
				wholeWord: !FALSE_WORDS.has(wholeWord)
			});
		}
	}
	return errors.length > 0 ? { ok: false, errors } : { ok: true, entries };
}

/** Two phrases are the same entry when they fold to the same text ("Sécurité" = "securite"). */
export function phraseKey(phrase: string): string {
	return normalise(phrase).trim().split(/\s+/u).join(' ');
}

/**
 * The text of an uploaded file: UTF-8 when it is valid UTF-8, else Windows-1252, which is
 * what Excel on a French Windows writes for "CSV (séparateur : point-virgule)".
 */
export function decodeCsvBytes(bytes: Uint8Array): string {
	try {
		return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		// By hand: some Node versions decode "windows-1252" as Latin-1, losing œ, €, ’…
		let text = '';
		for (const byte of bytes) text += byte >= 0x80 && byte < 0xa0 ? (CP1252_HIGH[byte - 0x80] ?? '') : String.fromCharCode(byte);
		return text;
	}
}

/** Windows-1252 bytes 0x80–0x9F; the five it leaves undefined decode to nothing. */
const CP1252_HIGH = [...'€\0‚ƒ„…†‡ˆ‰Š‹Œ\0Ž\0\0‘’“”•–—˜™š›œ\0žŸ'].map((c) => (c === '\0' ? '' : c));
