/**
 * Texts of the e-mails about events, and the `data` their in-app notifications carry.
 * Plain text in the recipient's language (French first), through the message catalogue,
 * always with the event's time in its own zone (and the recipient's, when it differs) and
 * a link back to the event page.
 */
import type { Locale, ReminderKind } from '../../../db/schema/values.ts';
import { translate } from '../../lib/i18n.ts';
import { formatInZone, offsetLabel } from '../events/time-zones.ts';

/** What an event change notification says: edited (date, place…) or cancelled. */
export type EventChange = 'changed' | 'cancelled';

/**
 * `data` of the notifications `event_reminder`, `event_seat` and `event_update` (their
 * `spaceId` is the event's host space, so that a member who lost access no longer sees
 * them). The notifications page renders them from these fields alone.
 */
export interface EventNotificationData {
	eventId: string;
	title: string;
	startsAt: string;
	timeZone: string;
	/** event_reminder only. */
	reminder?: ReminderKind;
	/** event_update only. */
	change?: EventChange;
}

export type EventMailKind = 'event_reminder' | 'event_seat' | 'event_update';

export interface EventMailInput {
	kind: EventMailKind;
	locale: Locale;
	/** Greeted by name when known. */
	displayName?: string | null | undefined;
	/** The recipient's zone: a second time line when it differs from the event's. */
	viewerTimeZone?: string | null | undefined;
	event: {
		id: string;
		title: string;
		startsAt: Date | string;
		timeZone: string;
		place?: string | null | undefined;
		online?: boolean | undefined;
	};
	reminder?: ReminderKind | undefined;
	change?: EventChange | undefined;
}

export function eventUrl(publicOrigin: string, eventId: string): string {
	return `${publicOrigin}/evenements/${eventId}`;
}

function subjectOf(input: EventMailInput, t: (key: string, inputs?: Record<string, unknown>) => string): string {
	const title = input.event.title;
	switch (input.kind) {
		case 'event_reminder':
			return t(input.reminder === '1h' ? 'mail_event_reminder_subject_1h' : 'mail_event_reminder_subject_24h', { title });
		case 'event_seat':
			return t('mail_event_seat_subject', { title });
		case 'event_update':
			return t(input.change === 'cancelled' ? 'mail_event_cancelled_subject' : 'mail_event_changed_subject', { title });
	}
}

function introOf(input: EventMailInput, t: (key: string, inputs?: Record<string, unknown>) => string): string {
	const title = input.event.title;
	switch (input.kind) {
		case 'event_reminder':
			return t(input.reminder === '1h' ? 'mail_event_reminder_intro_1h' : 'mail_event_reminder_intro_24h', { title });
		case 'event_seat':
			return t('mail_event_seat_intro', { title });
		case 'event_update':
			return t(input.change === 'cancelled' ? 'mail_event_cancelled_intro' : 'mail_event_changed_intro', { title });
	}
}

/** Subject and plain-text body of an e-mail about an event. */
export function eventMail(input: EventMailInput, publicOrigin: string): { subject: string; text: string } {
	const t = (key: string, inputs: Record<string, unknown> = {}) => translate(key, input.locale, inputs);
	const { event } = input;
	const zone = event.timeZone;
	const lines = [
		input.displayName ? t('mail_greeting', { name: input.displayName }) : t('mail_greeting_anonymous'),
		'',
		introOf(input, t),
		'',
		t('mail_event_when', {
			when: formatInZone(event.startsAt, zone, input.locale),
			zone,
			offset: offsetLabel(event.startsAt, zone)
		})
	];
	if (input.viewerTimeZone && input.viewerTimeZone !== zone) {
		const viewer = input.viewerTimeZone;
		lines.push(
			t('mail_event_when_yours', {
				when: formatInZone(event.startsAt, viewer, input.locale),
				zone: viewer,
				offset: offsetLabel(event.startsAt, viewer)
			})
		);
	}
	if (event.place) lines.push(t('mail_event_place', { place: event.place }));
	if (event.online && input.change !== 'cancelled') lines.push(t('mail_event_online'));
	lines.push('', t('mail_event_link', { url: eventUrl(publicOrigin, event.id) }), '', '-- ', t('mail_footer'));
	return { subject: subjectOf(input, t), text: lines.join('\n') + '\n' };
}
