import type { Locale } from '../../../db/schema/values.ts';
import { translate } from '../../lib/i18n.ts';

/*
 * The room's transcript, kept on the event page and exported as Markdown or plain text:
 * the chat without removed lines, the Q&A with answers without hidden questions. Times are
 * given in the event's zone (the zone is named once at the top).
 */

interface Person {
	id: string;
	displayName: string;
	handle: string;
}

export interface TranscriptMessage {
	id: string;
	seq: number;
	kind: 'message' | 'announcement';
	author: Person;
	/** As typed (Markdown). */
	body: string;
	bodyHtml: string;
	pinned: boolean;
	createdAt: string;
}

export interface TranscriptQuestion {
	id: string;
	seq: number;
	author: Person;
	body: string;
	bodyHtml: string;
	votes: number;
	answered: boolean;
	answer: string;
	answerHtml: string;
	answeredAt: string | null;
	createdAt: string;
}

export interface Transcript {
	event: { id: string; title: string; timeZone: string; startsAt: string; endsAt: string };
	messages: TranscriptMessage[];
	questions: TranscriptQuestion[];
}

const intlLocale = (locale: Locale) => (locale === 'fr' ? 'fr-FR' : 'en-GB');

function clock(transcript: Transcript, locale: Locale) {
	const zone = transcript.event.timeZone;
	const time = new Intl.DateTimeFormat(intlLocale(locale), { timeZone: zone, hour: '2-digit', minute: '2-digit' });
	const day = new Intl.DateTimeFormat(intlLocale(locale), { timeZone: zone, dateStyle: 'long' });
	const startDay = day.format(new Date(transcript.event.startsAt));
	return {
		/** The time of day, with the date when it is not the event's first day. */
		at(iso: string) {
			const date = new Date(iso);
			const d = day.format(date);
			return d === startDay ? time.format(date) : `${d} ${time.format(date)}`;
		},
		/** "24 novembre 2026, 14:00–16:00 (Africa/Dakar)". */
		span() {
			const start = new Date(transcript.event.startsAt);
			const end = new Date(transcript.event.endsAt);
			const endDay = day.format(end);
			const endText = endDay === startDay ? time.format(end) : `${endDay} ${time.format(end)}`;
			return `${startDay}, ${time.format(start)}–${endText} (${zone})`;
		}
	};
}

const t = (key: string, locale: Locale, inputs?: Record<string, unknown>) => translate(key, locale, inputs);

/* Markdown */

// Characters that would start emphasis, a link, code or HTML in a name or title.
const MD_SPECIAL = /[\\`*_[\]#<>~]/g;
const mdEscape = (text: string) => text.replace(/\s+/g, ' ').trim().replace(MD_SPECIAL, '\\$&');

/** A member's text as a blockquote: it keeps its own Markdown without breaking the transcript's structure. */
function quote(body: string) {
	return body
		.replace(/\r\n?/g, '\n')
		.trim()
		.split('\n')
		.map((line) => (line.trim() === '' ? '>' : `> ${line}`))
		.join('\n');
}

const mdPerson = (p: Person) => `**${mdEscape(p.displayName)}** (@${p.handle})`;

export function transcriptMarkdown(transcript: Transcript, locale: Locale): string {
	const c = clock(transcript, locale);
	const out: string[] = [
		`# ${mdEscape(t('room_transcript_heading', locale, { title: transcript.event.title }))}`,
		'',
		mdEscape(c.span()),
		'',
		`## ${t('room_transcript_chat', locale)}`,
		''
	];
	if (transcript.messages.length === 0) out.push(`_${t('room_transcript_no_messages', locale)}_`, '');
	for (const m of transcript.messages) {
		const label = m.kind === 'announcement' ? ` · ${t('room_transcript_announcement', locale)}` : '';
		out.push(`${mdPerson(m.author)} · ${c.at(m.createdAt)}${label}`, '', quote(m.body), '');
	}
	out.push(`## ${t('room_transcript_questions', locale)}`, '');
	if (transcript.questions.length === 0) out.push(`_${t('room_transcript_no_questions', locale)}_`, '');
	transcript.questions.forEach((q, i) => {
		out.push(
			`### ${i + 1}. ${mdPerson(q.author)} · ${c.at(q.createdAt)} · ${t('room_transcript_votes', locale, { count: q.votes })}`,
			'',
			quote(q.body),
			''
		);
		if (q.answered) {
			const when = q.answeredAt ? ` (${c.at(q.answeredAt)})` : '';
			out.push(`**${t('room_transcript_answer', locale)}**${when}`, '');
			out.push(q.answer.trim() === '' ? `_${t('room_transcript_answered_live', locale)}_` : quote(q.answer), '');
		}
	});
	return out.join('\n').replace(/\n+$/, '\n');
}

/* Plain text */

const indent = (body: string, by: string) =>
	body
		.replace(/\r\n?/g, '\n')
		.trim()
		.split('\n')
		.map((line) => (line.trim() === '' ? '' : `${by}${line}`))
		.join('\n');

const txtPerson = (p: Person) => `${p.displayName.replace(/\s+/g, ' ').trim()} (@${p.handle})`;

function underline(text: string, char: string) {
	return `${text}\n${char.repeat([...text].length)}`;
}

export function transcriptText(transcript: Transcript, locale: Locale): string {
	const c = clock(transcript, locale);
	const out: string[] = [
		underline(t('room_transcript_heading', locale, { title: transcript.event.title }), '='),
		c.span(),
		'',
		underline(t('room_transcript_chat', locale), '-'),
		''
	];
	if (transcript.messages.length === 0) out.push(t('room_transcript_no_messages', locale), '');
	for (const m of transcript.messages) {
		const label = m.kind === 'announcement' ? ` [${t('room_transcript_announcement', locale)}]` : '';
		out.push(`[${c.at(m.createdAt)}] ${txtPerson(m.author)}${label}`, indent(m.body, '    '), '');
	}
	out.push(underline(t('room_transcript_questions', locale), '-'), '');
	if (transcript.questions.length === 0) out.push(t('room_transcript_no_questions', locale), '');
	transcript.questions.forEach((q, i) => {
		out.push(
			`${i + 1}. [${c.at(q.createdAt)}] ${txtPerson(q.author)} — ${t('room_transcript_votes', locale, { count: q.votes })}`,
			indent(q.body, '    ')
		);
		if (q.answered) {
			const when = q.answeredAt ? ` (${c.at(q.answeredAt)})` : '';
			// French puts a (non-breaking) space before a colon; English does not.
			out.push(`    ${t('room_transcript_answer', locale)}${when}${locale === 'fr' ? '\u00a0:' : ':'}`);
			out.push(q.answer.trim() === '' ? `        ${t('room_transcript_answered_live', locale)}` : indent(q.answer, '        '));
		}
		out.push('');
	});
	return out.join('\n').replace(/\n+$/, '\n');
}
