import type { TextRuns } from './search.schema.ts';

/*
 * Highlighting without trusting ts_headline's output as HTML.
 *
 * The search vectors are built from unaccented text, so ts_headline has to read unaccented
 * text too, or "securite" would match "sécurité" without marking it. We give it
 * `headlineSource(text)` (unaccented, with our marker characters neutralised and `<` swapped
 * for a stand-in so its parser sees no tags to drop), ask for control characters as
 * markers, then find each fragment in the same transform computed here, character by
 * character, and cut the matching stretch out of the ORIGINAL text: accents, `<` and all.
 * The result is runs of plain text; nothing from the author is ever interpreted.
 */

export const START_SEL = '\u0002';
export const STOP_SEL = '\u0003';
export const FRAGMENT_DELIMITER = '\u001f';
/** Stands in for `<` so ts_headline does not take `<script>` for a tag and drop it. */
export const LT_STAND_IN = '\u0001';

/** The characters `headlineSource` rewrites, in SQL `translate()` order: from → to. */
export const NEUTRALISED_FROM = `${LT_STAND_IN}${START_SEL}${STOP_SEL}${FRAGMENT_DELIMITER}<`;
export const NEUTRALISED_TO = `    ${LT_STAND_IN}`;

/** Options for ts_headline: a couple of short fragments around the matches. */
export const SNIPPET_OPTIONS = `StartSel=${START_SEL}, StopSel=${STOP_SEL}, MaxWords=18, MinWords=6, ShortWord=2, MaxFragments=2, FragmentDelimiter=${FRAGMENT_DELIMITER}`;
/** Titles and short posts: the whole text, its matches marked. */
export const WHOLE_TEXT_OPTIONS = `StartSel=${START_SEL}, StopSel=${STOP_SEL}, HighlightAll=true`;

/** Posts up to this many characters are shown whole: fragments would only clip their ends. */
export const WHOLE_TEXT_MAX_LENGTH = 280;

const NON_ASCII = /[^\p{ASCII}]/u;
/** Only text with letters or digits left out deserves an ellipsis, not a final full stop. */
const WORDY = /[\p{L}\p{N}]/u;

/** Non-ASCII characters of the texts: what we need `palabre_unaccent` to tell us about. */
export function nonAsciiCharacters(texts: Iterable<string>): Set<string> {
	const found = new Set<string>();
	for (const text of texts) {
		if (!NON_ASCII.test(text)) continue;
		for (const ch of text) if (ch.charCodeAt(0) > 0x7f) found.add(ch);
	}
	return found;
}

interface Folded {
	text: string;
	/** origin[k] = index in the original of the character that produced text[k]; one past the end at the end. */
	origin: number[];
}

/** The JS twin of the SQL `headlineSource`: unaccent each character, then neutralise. */
function fold(original: string, unaccented: ReadonlyMap<string, string>): Folded {
	let text = '';
	const origin: number[] = [];
	let index = 0;
	for (const ch of original) {
		let out = ch.charCodeAt(0) > 0x7f ? (unaccented.get(ch) ?? ch) : ch;
		let neutral = '';
		for (const c of out) {
			const at = NEUTRALISED_FROM.indexOf(c);
			neutral += at === -1 ? c : NEUTRALISED_TO[at]!;
		}
		out = neutral;
		for (let k = 0; k < out.length; k++) origin.push(index);
		text += out;
		index += ch.length;
	}
	origin.push(index);
	return { text, origin };
}

/** Original index where folded position `k` begins (a start boundary). */
function startOf(folded: Folded, k: number): number {
	return folded.origin[k]!;
}

/** Original index where a folded range ending at `k` ends: whole characters, never half of "œ"→"oe". */
function endOf(folded: Folded, k: number): number {
	if (k <= 0) return folded.origin[0] ?? 0;
	const last = folded.origin[k - 1]!;
	let j = k;
	while (j < folded.text.length && folded.origin[j] === last) j++;
	return folded.origin[j]!;
}

/** Strips the markers of one fragment: its plain text and the marked ranges in it. */
function unmark(fragment: string): { plain: string; marks: [number, number][] } {
	let plain = '';
	const marks: [number, number][] = [];
	let open = -1;
	for (const ch of fragment) {
		if (ch === START_SEL) open = plain.length;
		else if (ch === STOP_SEL) {
			if (open >= 0 && plain.length > open) marks.push([open, plain.length]);
			open = -1;
		} else plain += ch;
	}
	return { plain, marks };
}

function push(runs: TextRuns, text: string, highlighted: boolean) {
	if (!text) return;
	const last = runs.at(-1);
	if (last && last[1] === highlighted) last[0] += text;
	else runs.push([text, highlighted]);
}

/**
 * Turns a ts_headline of `headlineSource(original)` into runs of the original text.
 * `unaccented` maps each non-ASCII character of `original` to what `palabre_unaccent` makes
 * of it. A fragment that cannot be located (the two transforms disagreeing) is shown as the
 * headline gave it, unaccented but still as plain text.
 */
export function headlineRuns(headline: string, original: string, unaccented: ReadonlyMap<string, string>): TextRuns {
	const folded = fold(original, unaccented);
	const runs: TextRuns = [];
	const fragments = headline.split(FRAGMENT_DELIMITER).filter((f) => f.trim() !== '');
	for (const [i, fragment] of fragments.entries()) {
		const { plain, marks } = unmark(fragment);
		const at = folded.text.indexOf(plain);
		if (i > 0) push(runs, ' … ', false);
		else if (at > 0 && WORDY.test(folded.text.slice(0, at))) push(runs, '… ', false);
		const piece =
			at === -1
				? (from: number, to: number) => plain.slice(from, to).replaceAll(LT_STAND_IN, '<')
				: (from: number, to: number) => original.slice(startOf(folded, at + from), endOf(folded, at + to));
		let cursor = 0;
		for (const [from, to] of marks) {
			push(runs, piece(cursor, from), false);
			push(runs, piece(from, to), true);
			cursor = to;
		}
		push(runs, piece(cursor, plain.length), false);
		const end = at + plain.length;
		if (i === fragments.length - 1 && at !== -1 && WORDY.test(folded.text.slice(end))) push(runs, ' …', false);
	}
	return runs;
}

/**
 * Posts are Markdown: drop the syntax that reads as noise in a one-line excerpt (emphasis,
 * code ticks, link targets, heading, list and quote markers, table rules) and fold line
 * breaks into spaces.
 */
export function tidyMarkdownRuns(runs: TextRuns): TextRuns {
	const tidy: TextRuns = [];
	for (const [text, highlighted] of runs) {
		const clean = text
			.replace(/\]\([^)\s]*\)/g, '')
			.replace(/(^|\n)\s{0,3}(?:#{1,6}|>+|[-*+]|\d+\.)\s+/g, '$1')
			.replace(/\*\*|__|~~|`+|\[|:?-{3,}:?/g, '')
			.replace(/\|/g, ' ')
			.replace(/\s+/g, ' ');
		push(tidy, clean, highlighted);
	}
	if (tidy[0]) tidy[0][0] = tidy[0][0].trimStart();
	const last = tidy.at(-1);
	if (last) last[0] = last[0].trimEnd();
	return tidy.filter(([text]) => text !== '');
}
