import { and, eq } from 'drizzle-orm';
import type { Database, Transaction } from '../../../db/client.ts';
import { eventPeople, eventRegistrations, events } from '../../../db/schema/index.ts';
import type { RegistrationStatus, Role } from '../../../db/schema/values.ts';
import { requireUser, type Auth } from '../../auth/auth.ts';
import { ForbiddenError, NotFoundError } from '../../lib/errors.ts';
import { spaceAccess } from '../spaces/access.ts';
import type { SpaceRow, SpacesRepository } from '../spaces/spaces.repository.ts';
import { accessFacts, type SpacesService } from '../spaces/spaces.service.ts';
import type { EventsRepository } from './events.repository.ts';

export type EventRow = typeof events.$inferSelect;

/** The video-room link is revealed to participants this long before the start. */
export const ONLINE_LINK_LEAD_MS = 30 * 60_000;

/**
 * An event as the caller may see it, with what the caller is to it. Loading it is the
 * access check: a missing event and one in a space the caller cannot read both throw
 * NotFoundError (404), on every route and socket event.
 */
export interface EventContext {
	event: EventRow;
	space: SpaceRow;
	organiser: boolean;
	speaker: boolean;
	registration: { status: RegistrationStatus; position: number } | null;
	/** Organisers, the host space's moderators, site moderators and admins run the room. */
	canModerate: boolean;
	/** Edit the event (organisers, admins, moderators of the host space). */
	canEdit: boolean;
}

/** The room is open once an organiser opened it or the start time came, until it is closed. */
export function roomOpen(event: Pick<EventRow, 'startsAt' | 'roomOpenedAt' | 'roomClosedAt' | 'cancelledAt'>, now = new Date()) {
	if (event.cancelledAt || event.roomClosedAt) return false;
	return event.roomOpenedAt !== null || event.startsAt.getTime() <= now.getTime();
}

/**
 * Who enters the live room and how: registered participants and organisers take part;
 * others may watch read-only when they can read the host space and it is not private;
 * in a private space, its members (who can read it) take part as the audience.
 */
export function roomRole(ctx: EventContext, auth: Auth): 'moderator' | 'participant' | 'viewer' {
	if (ctx.canModerate) return 'moderator';
	if (auth && (ctx.organiser || ctx.speaker || ctx.registration?.status === 'registered')) return 'participant';
	return 'viewer';
}

/** May the caller see the video-room link now? Participants and organisers, from shortly before the start. */
export function revealsOnlineLink(ctx: EventContext, now = new Date()): boolean {
	if (ctx.canModerate || ctx.organiser || ctx.speaker) return true;
	if (ctx.registration?.status !== 'registered') return false;
	return now.getTime() >= ctx.event.startsAt.getTime() - ONLINE_LINK_LEAD_MS;
}

export async function loadEventContext(
	db: Database | Transaction,
	spaces: SpacesService,
	auth: Auth,
	eventId: string
): Promise<EventContext> {
	const [event] = await db.select().from(events).where(eq(events.id, eventId)).limit(1);
	if (!event) throw new NotFoundError();
	// Throws NotFoundError when the caller cannot read the host space.
	const space = await spaces.readableById(auth, event.spaceId);
	let organiser = false;
	let speaker = false;
	let registration: EventContext['registration'] = null;
	if (auth) {
		const [people, [reg]] = await Promise.all([
			db
				.select({ role: eventPeople.role })
				.from(eventPeople)
				.where(and(eq(eventPeople.eventId, eventId), eq(eventPeople.userId, auth.user.id))),
			db
				.select({ status: eventRegistrations.status, position: eventRegistrations.position })
				.from(eventRegistrations)
				.where(and(eq(eventRegistrations.eventId, eventId), eq(eventRegistrations.userId, auth.user.id)))
				.limit(1)
		]);
		organiser = people.some((p) => p.role === 'organiser');
		speaker = people.some((p) => p.role === 'speaker');
		registration = reg ?? null;
	}
	const facts = accessFacts(space);
	const moderatesSpace = spaceAccess.moderate(auth, facts);
	return {
		event,
		space,
		organiser,
		speaker,
		registration,
		canModerate: organiser || moderatesSpace,
		canEdit: organiser || moderatesSpace
	};
}

/** The context of an event the caller may edit (its organisers, the host space's moderators, admins); 403 otherwise. */
export async function loadEditableContext(
	db: Database | Transaction,
	spaces: SpacesService,
	auth: Auth,
	eventId: string
): Promise<EventContext> {
	requireUser(auth);
	const ctx = await loadEventContext(db, spaces, auth, eventId);
	if (!ctx.canEdit) throw new ForbiddenError();
	return ctx;
}

/** The spaces the caller reads: id → slug. */
export async function readableSpaceIds(repo: EventsRepository, auth: Auth): Promise<Map<string, string>> {
	const rows = await repo.spacesFor(auth?.user.id ?? null);
	return new Map(rows.filter((row) => spaceAccess.read(auth, row.facts)).map((row) => [row.id, row.slug]));
}

/** May this member (not the caller) read the space? For the people named on an event and those told of it. */
export async function memberReadsSpace(
	spaces: SpacesRepository,
	spaceId: string,
	member: { id: string; role: Role },
	tx?: Database | Transaction
): Promise<boolean> {
	const row = await spaces.findById(spaceId, member.id, tx);
	const auth: Auth = {
		user: { id: member.id, role: member.role, email: '', displayName: '', locale: 'fr' },
		session: { id: '', expiresAt: new Date() }
	};
	return row !== undefined && spaceAccess.read(auth, accessFacts(row));
}
