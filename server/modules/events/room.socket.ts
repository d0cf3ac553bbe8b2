import type { Auth } from '../../auth/auth.ts';
import { isAppError } from '../../lib/errors.ts';
import { translate } from '../../lib/i18n.ts';
import { rooms, type Ack, type RoomPresence } from '../../realtime/events.ts';
import type { RealtimeServer, RealtimeSocket, SocketExtension } from '../../realtime/gateway.ts';
import { roomUnwatchPayload, roomWatchPayload } from './room.schema.ts';
import type { RoomService } from './room.service.ts';

/** At most this many names in a presence list (everyone is counted). */
const PRESENCE_NAMES = 200;

function reply<T>(ack: Ack<T> | undefined, result: Parameters<Ack<T>>[0]) {
	if (typeof ack === 'function') ack(result);
}

type Refusal = Extract<Parameters<Ack>[0], { ok: false }>;

/** A service error as an ack: the room's own refusal codes first, messages in the caller's language. */
function refusal(error: unknown, auth: Auth): Refusal {
	if (!isAppError(error)) {
		console.error('room socket handler failed', error);
		return { ok: false, code: 'internal' };
	}
	const locale = auth?.user.locale ?? 'fr';
	const code = (error as { roomCode?: string }).roomCode ?? error.code;
	const retryAfterSeconds = (error as { retryAfterSeconds?: number }).retryAfterSeconds;
	return {
		ok: false,
		code,
		message: translate(error.messageKey, locale, error.messageInputs(locale)),
		...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {})
	};
}

/**
 * Who is in each room, counted across processes (fetchSockets goes through the adapter).
 * Broadcasts are throttled per room: a join storm of 2,000 sockets sends a few lists, not
 * 2,000; the latest count is cached for the watch answers in between.
 */
export class PresenceBoard {
	private cache = new Map<string, { presence: RoomPresence; at: number }>();
	private inFlight = new Map<string, Promise<RoomPresence>>();
	private scheduled = new Map<string, NodeJS.Timeout>();

	constructor(
		private io: RealtimeServer,
		private delayMs = 500
	) {}

	private async compute(room: string): Promise<RoomPresence> {
		const sockets = await this.io.in(room).fetchSockets();
		const people = new Map<string, RoomPresence['people'][number]>();
		let anonymous = 0;
		for (const s of sockets) {
			if (!s.data.userId) anonymous++;
			else if (!people.has(s.data.userId))
				people.set(s.data.userId, { id: s.data.userId, displayName: s.data.displayName ?? '', handle: s.data.handle ?? '' });
		}
		const listed = [...people.values()].sort((a, b) => a.displayName.localeCompare(b.displayName)).slice(0, PRESENCE_NAMES);
		const presence = { count: people.size + anonymous, people: listed };
		this.cache.set(room, { presence, at: Date.now() });
		return presence;
	}

	/** The room's presence, from the cache when recent enough (one count shared by a burst of joins). */
	current(room: string): Promise<RoomPresence> {
		const cached = this.cache.get(room);
		if (cached && Date.now() - cached.at < this.delayMs) return Promise.resolve(cached.presence);
		let pending = this.inFlight.get(room);
		if (!pending) {
			pending = this.compute(room).finally(() => this.inFlight.delete(room));
			this.inFlight.set(room, pending);
		}
		return pending;
	}

	/** Someone came or went: the room hears the new count once the burst settles. */
	changed(room: string, eventId: string) {
		if (this.scheduled.has(room)) return;
		const timer = setTimeout(() => {
			this.scheduled.delete(room);
			void this.compute(room)
				.then((presence) => {
					if (presence.count === 0) this.cache.delete(room);
					this.io.to(room).emit('room:presence', { eventId, presence });
				})
				.catch(() => {});
		}, this.delayMs);
		timer.unref();
		this.scheduled.set(room, timer);
	}

	close() {
		for (const timer of this.scheduled.values()) clearTimeout(timer);
		this.scheduled.clear();
	}
}

/** The event id of a live room's name (`space:…:event:<id>`), moderators' rooms excluded. */
function eventOfRoom(room: string): string | null {
	const match = /:event:([0-9a-f-]{36})$/.exec(room);
	return match ? match[1]! : null;
}

/**
 * The live room's socket events (contract in server/realtime/events.ts): watch with
 * catch-up, send, ask, vote, moderate. Writing goes through RoomService, as the REST routes
 * and the no-JavaScript forms do; the service stores first, then broadcasts.
 */
export function roomSockets(room: RoomService, options: { presenceDelayMs?: number } = {}): SocketExtension {
	return (io, authOf) => {
		const board = new PresenceBoard(io, options.presenceDelayMs);
		room.bindPresence((spaceId, eventId) => board.current(rooms.eventRoom(spaceId, eventId)));

		return (socket: RealtimeSocket) => {
			socket.on('room:watch', async (payload, ack) => {
				const parsed = roomWatchPayload.safeParse(payload);
				if (!parsed.success) return reply(ack, { ok: false, code: 'validation_failed' });
				const { eventId, since } = parsed.data;
				let auth: Auth = null;
				try {
					auth = await authOf(socket);
					const entry = await room.context(auth, eventId);
					const spaceId = entry.ctx.event.spaceId;
					const name = rooms.eventRoom(spaceId, eventId);
					if (auth && socket.data.handle === undefined) {
						const me = await room.repo.member(auth.user.id);
						socket.data.displayName = me?.displayName ?? auth.user.displayName;
						socket.data.handle = me?.handle ?? '';
					}
					// Joined before reading: whatever commits from here on reaches this socket live.
					await socket.join(name);
					if (entry.role === 'moderator') await socket.join(rooms.eventRoomModerators(spaceId, eventId));
					else await socket.leave(rooms.eventRoomModerators(spaceId, eventId));
					const result = await room.snapshot(auth, entry, since);
					reply(ack, { ok: true, data: result });
					board.changed(name, eventId);
				} catch (error) {
					reply(ack, refusal(error, auth));
				}
			});

			socket.on('room:unwatch', async (payload, ack) => {
				const parsed = roomUnwatchPayload.safeParse(payload);
				if (!parsed.success) return reply(ack, { ok: false, code: 'validation_failed' });
				const { eventId } = parsed.data;
				for (const name of socket.rooms) {
					if (name.endsWith(`:event:${eventId}`) || name.endsWith(`:event:${eventId}:moderators`)) {
						await socket.leave(name);
						if (eventOfRoom(name)) board.changed(name, eventId);
					}
				}
				reply(ack, { ok: true, data: { eventId } });
			});

			const write =
				<T>(action: (auth: Auth, payload: never) => Promise<T>) =>
				async (payload: unknown, ack?: Ack<T>) => {
					let auth: Auth = null;
					try {
						auth = await authOf(socket);
						// The service validates the payload (strict zod schemas) and checks access.
						reply(ack, { ok: true, data: await action(auth, payload as never) });
					} catch (error) {
						reply(ack, refusal(error, auth));
					}
				};

			socket.on(
				'room:send',
				write((auth, payload) => room.send(auth, payload))
			);
			socket.on(
				'room:ask',
				write((auth, payload) => room.ask(auth, payload))
			);
			socket.on(
				'room:vote',
				write((auth, payload) => room.vote(auth, payload))
			);
			socket.on(
				'room:moderate',
				write((auth, payload) => room.moderate(auth, payload))
			);

			socket.on('disconnecting', () => {
				const watched = [...socket.rooms].flatMap((name) => {
					const eventId = eventOfRoom(name);
					return eventId ? [{ name, eventId }] : [];
				});
				for (const { name, eventId } of watched) board.changed(name, eventId);
			});
		};
	};
}
