/**
 * iCalendar (RFC 5545) files of events: one event's `.ics`, and a member's private feed.
 * Instants in UTC (`…Z`), so no VTIMEZONE is needed; lines end with CRLF and are folded at
 * 75 octets without splitting a UTF-8 character; text values are escaped. The video-room
 * link never goes in: a file can be forwarded to anyone, the link is for participants.
 */

export interface IcsEvent {
	id: string;
	title: string;
	/** Markdown source: readable as plain text. */
	description: string;
	startsAt: Date;
	endsAt: Date;
	place: string | null;
	online: boolean;
	kind: string;
	createdAt: Date;
	updatedAt: Date;
	cancelledAt: Date | null;
}

export interface IcsOptions {
	/** `https://palabre.example`: for UIDs (`<id>@<host>`) and event page URLs. */
	publicOrigin: string;
	/** The calendar's name in calendar apps (feeds). */
	name?: string;
	/** Label of LOCATION for an online event without a place ("En ligne"). */
	onlineLabel?: string;
	/** A line added to DESCRIPTION (e.g. the event page link in words). */
	footer?: string;
}

/** Long descriptions are cut: calendar apps show a few lines, the page has the rest. */
const MAX_DESCRIPTION = 4000;

/** TEXT value escaping (RFC 5545 §3.3.11): backslash, semicolon, comma, line breaks. */
export function escapeText(value: string): string {
	return value
		.replace(/\\/g, '\\\\')
		.replace(/;/g, '\\;')
		.replace(/,/g, '\\,')
		.replace(/\r\n|\r|\n/g, '\\n');
}

/**
 * Folds a content line (RFC 5545 §3.1): at most 75 octets per physical line, continuation
 * lines starting with one space, never cutting inside a UTF-8 sequence.
 */
export function foldLine(line: string): string {
	if (Buffer.byteLength(line, 'utf8') <= 75) return line;
	const parts: string[] = [];
	let current = '';
	let octets = 0;
	// The first line holds 75 octets; continuations 74 after their leading space.
	let limit = 75;
	for (const char of line) {
		const size = Buffer.byteLength(char, 'utf8');
		if (octets + size > limit) {
			parts.push(current);
			current = '';
			octets = 0;
			limit = 74;
		}
		current += char;
		octets += size;
	}
	parts.push(current);
	return parts.join('\r\n ');
}

/** `20261201T090000Z` */
export function icsDate(date: Date): string {
	return date
		.toISOString()
		.replace(/[-:]/g, '')
		.replace(/\.\d{3}/, '');
}

function eventLines(event: IcsEvent, options: IcsOptions): string[] {
	const origin = options.publicOrigin.replace(/\/$/, '');
	const host = new URL(origin).host;
	const url = `${origin}/evenements/${event.id}`;
	let description = event.description.trim();
	if (description.length > MAX_DESCRIPTION) description = `${description.slice(0, MAX_DESCRIPTION).trimEnd()}…`;
	const footer = options.footer ? `${options.footer} ${url}` : url;
	description = description ? `${description}\n\n${footer}` : footer;
	const location = event.place ?? (event.online ? (options.onlineLabel ?? null) : null);
	// Revisions must grow: seconds since creation do, and stay small.
	const sequence = Math.max(0, Math.ceil((event.updatedAt.getTime() - event.createdAt.getTime()) / 1000));
	return [
		'BEGIN:VEVENT',
		`UID:${event.id}@${host}`,
		`DTSTAMP:${icsDate(event.updatedAt)}`,
		`CREATED:${icsDate(event.createdAt)}`,
		`LAST-MODIFIED:${icsDate(event.updatedAt)}`,
		`SEQUENCE:${sequence}`,
		`DTSTART:${icsDate(event.startsAt)}`,
		`DTEND:${icsDate(event.endsAt)}`,
		`SUMMARY:${escapeText(event.title)}`,
		`DESCRIPTION:${escapeText(description)}`,
		...(location ? [`LOCATION:${escapeText(location)}`] : []),
		`URL:${url}`,
		`CATEGORIES:${escapeText(event.kind)}`,
		`STATUS:${event.cancelledAt ? 'CANCELLED' : 'CONFIRMED'}`,
		'TRANSP:OPAQUE',
		'END:VEVENT'
	];
}

/** A whole calendar: one event (a `.ics` download) or many (a feed). Ends with CRLF. */
export function buildCalendar(items: IcsEvent[], options: IcsOptions): string {
	const lines = [
		'BEGIN:VCALENDAR',
		'VERSION:2.0',
		'PRODID:-//Palabre//Evenements//FR',
		'CALSCALE:GREGORIAN',
		'METHOD:PUBLISH',
		...(options.name ? [`X-WR-CALNAME:${escapeText(options.name)}`] : []),
		...items.flatMap((event) => eventLines(event, options)),
		'END:VCALENDAR'
	];
	return lines.map(foldLine).join('\r\n') + '\r\n';
}
