import { memberUrl } from '../accounts/accounts.service.ts';
import type { CountRow, DocumentRow, PersonRow } from './events.repository.ts';
import type { EventCounts, EventDocumentOutput, EventPerson } from './events.schema.ts';

/* How the events services write an event's parts out: addresses, seat counts, people, documents, file names. */

export const eventUrl = (id: string) => `/evenements/${id}`;
export const eventIcsUrl = (id: string) => `/api/v1/events/${id}/ics`;
export const eventDocumentUrl = (eventId: string, documentId: string) => `/api/v1/events/${eventId}/documents/${documentId}`;
export const calendarFeedPath = (token: string) => `/api/v1/calendar/${token}.ics`;

export function counts(row: CountRow | undefined, capacity: number | null): EventCounts {
	const registered = row?.registered ?? 0;
	return {
		registered,
		waiting: row?.waiting ?? 0,
		capacity,
		seatsLeft: capacity === null ? null : Math.max(0, capacity - registered)
	};
}

export const toPerson = (p: PersonRow): EventPerson => ({
	id: p.userId,
	handle: p.handle,
	displayName: p.displayName,
	url: memberUrl(p.userId)
});

export function toDocument(row: DocumentRow): EventDocumentOutput {
	return {
		id: row.id,
		filename: row.filename,
		mimeType: row.mimeType,
		size: row.size,
		url: eventDocumentUrl(row.eventId, row.id),
		createdAt: row.createdAt.toISOString()
	};
}

/** ASCII file name from a title: `atelier-de-dakar`. */
export function fileSlug(title: string): string {
	return (
		title
			.normalize('NFD')
			.replace(/\p{M}/gu, '')
			.toLowerCase()
			.replace(/[^a-z0-9]+/g, '-')
			.replace(/^-+|-+$/g, '')
			.slice(0, 60) || 'evenement'
	);
}
