import type { Server as HttpServer } from 'node:http';
import fastifyCookie from '@fastify/cookie';
import { Server, type ServerOptions, type Socket } from 'socket.io';
import { SESSION_COOKIE, type Auth } from '../auth/auth.ts';
import type { SessionService } from '../auth/sessions.ts';
import type { PostOutput } from '../modules/threads/threads.schema.ts';
import type { RealtimePublisher } from './publisher.ts';
import {
	roomPayload,
	rooms,
	spaceWatchPayload,
	threadUnwatchPayload,
	threadWatchPayload,
	type Ack,
	type ClientToServerEvents,
	type ServerToClientEvents,
	type SocketData
} from './events.ts';

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type RealtimeSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** A domain's own socket events (the live room…): set up once with the server, then called for each connection. */
export type SocketExtension = (
	io: RealtimeServer,
	authOf: (socket: { request: { headers: { cookie?: string } } }) => Promise<Auth>
) => (socket: RealtimeSocket) => void;

/** What the gateway asks the domain before letting a socket into a room. */
export interface RoomAuthority {
	/** The space id behind a readable thread, with the catch-up since `since`; throws when not readable. */
	watchThread(
		auth: Auth,
		threadId: string,
		since: number | undefined
	): Promise<{ spaceId: string; lastSeq: number; posts: PostOutput[] }>;
	/** The id of a readable space; throws when not readable. */
	watchSpace(auth: Auth, slug: string): Promise<string>;
	/** Ids of the spaces whose review queue the caller may watch (none: not a moderator). */
	watchQueue(auth: Auth): Promise<string[]>;
}

export interface GatewayOptions {
	publicOrigin: string;
	sessions: SessionService;
	authority: RoomAuthority;
	/** Redis Streams adapter when several processes share the load. */
	adapter?: ServerOptions['adapter'];
	extensions?: SocketExtension[];
}

/** Which rooms a socket may read. Only public rooms exist so far; domains add theirs. */
function canJoin(room: string): boolean {
	return room === rooms.site();
}

function reply<T>(ack: Ack<T> | undefined, result: Parameters<Ack<T>>[0]) {
	if (typeof ack === 'function') ack(result);
}

/**
 * The one realtime gateway: handshake origin-checked (cross-site WebSocket hijacking) and
 * authenticated by the session cookie; each socket joins its user and session rooms.
 */
export function attachGateway(
	httpServer: HttpServer,
	options: GatewayOptions
): { io: RealtimeServer; publisher: RealtimePublisher } {
	const io: RealtimeServer = new Server(httpServer, {
		path: '/socket.io',
		serveClient: false,
		maxHttpBufferSize: 64 * 1024,
		connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000 },
		// Runs for every polling request and the websocket upgrade, before any handler.
		allowRequest: (req, callback) => callback(null, req.headers.origin === options.publicOrigin),
		...(options.adapter ? { adapter: options.adapter } : {})
	});

	/** The socket's caller, re-read on each request: role changes apply without reconnecting. */
	const authOf = async (socket: { request: { headers: { cookie?: string } } }): Promise<Auth> => {
		const cookies = fastifyCookie.parse(socket.request.headers.cookie ?? '');
		return (await options.sessions.validate(cookies[SESSION_COOKIE]))?.auth ?? null;
	};

	const extensions = (options.extensions ?? []).map((extension) => extension(io, authOf));

	io.use(async (socket, next) => {
		try {
			const auth = await authOf(socket);
			socket.data.userId = auth?.user.id ?? null;
			socket.data.sessionId = auth?.session.id ?? null;
			next();
		} catch {
			next(new Error('handshake_failed'));
		}
	});

	/** Distinct readers in a thread room (a person with two tabs counts once). */
	const readers = async (room: string) => {
		const sockets = await io.in(room).fetchSockets();
		return new Set(sockets.map((s) => s.data.userId ?? s.id)).size;
	};
	const announcePresence = async (room: string, threadId: string) => {
		io.to(room).emit('presence:count', { threadId, readers: await readers(room) });
	};

	io.on('connection', (socket) => {
		if (socket.data.userId && socket.data.sessionId) {
			void socket.join([rooms.user(socket.data.userId), rooms.session(socket.data.sessionId)]);
		}
		for (const onConnection of extensions) onConnection(socket);

		socket.on('room:join', (payload, ack) => {
			const parsed = roomPayload.safeParse(payload);
			if (!parsed.success) return reply(ack, { ok: false, code: 'bad_request' });
			// Unknown and forbidden rooms answer alike.
			if (!canJoin(parsed.data.room)) return reply(ack, { ok: false, code: 'not_found' });
			void socket.join(parsed.data.room);
			reply(ack, { ok: true, data: { room: parsed.data.room } });
		});

		socket.on('thread:watch', async (payload, ack) => {
			const parsed = threadWatchPayload.safeParse(payload);
			if (!parsed.success) return reply(ack, { ok: false, code: 'bad_request' });
			const { threadId, since } = parsed.data;
			try {
				const auth = await authOf(socket);
				const watched = await options.authority.watchThread(auth, threadId, since);
				const room = rooms.thread(watched.spaceId, threadId);
				await socket.join(room);
				reply(ack, {
					ok: true,
					data: { threadId, lastSeq: watched.lastSeq, posts: watched.posts, readers: await readers(room) }
				});
				await announcePresence(room, threadId);
			} catch {
				// Missing and forbidden look alike.
				reply(ack, { ok: false, code: 'not_found' });
			}
		});

		socket.on('thread:unwatch', async (payload, ack) => {
			const parsed = threadUnwatchPayload.safeParse(payload);
			if (!parsed.success) return reply(ack, { ok: false, code: 'bad_request' });
			for (const room of socket.rooms) {
				if (room.endsWith(`:thread:${parsed.data.threadId}`)) {
					await socket.leave(room);
					await announcePresence(room, parsed.data.threadId);
				}
			}
			reply(ack, { ok: true, data: { threadId: parsed.data.threadId } });
		});

		socket.on('space:watch', async (payload, ack) => {
			const parsed = spaceWatchPayload.safeParse(payload);
			if (!parsed.success) return reply(ack, { ok: false, code: 'bad_request' });
			try {
				const spaceId = await options.authority.watchSpace(await authOf(socket), parsed.data.slug);
				await socket.join(rooms.space(spaceId));
				reply(ack, { ok: true, data: { spaceId } });
			} catch {
				reply(ack, { ok: false, code: 'not_found' });
			}
		});

		socket.on('queue:watch', async (_payload, ack) => {
			try {
				const spaceIds = await options.authority.watchQueue(await authOf(socket));
				if (spaceIds.length === 0) return reply(ack, { ok: false, code: 'not_found' });
				await socket.join(spaceIds.map(rooms.queue));
				reply(ack, { ok: true, data: { spaces: spaceIds.length } });
			} catch {
				reply(ack, { ok: false, code: 'not_found' });
			}
		});

		socket.on('disconnecting', () => {
			const threadRooms = [...socket.rooms].filter((room) => room.includes(':thread:'));
			// After the socket has left: the count no longer includes it.
			setImmediate(() => {
				for (const room of threadRooms) void announcePresence(room, room.split(':thread:')[1]!);
			});
		});

		socket.on('room:leave', (payload, ack) => {
			const parsed = roomPayload.safeParse(payload);
			if (!parsed.success) return reply(ack, { ok: false, code: 'bad_request' });
			void socket.leave(parsed.data.room);
			reply(ack, { ok: true, data: { room: parsed.data.room } });
		});
	});

	const leaveSpace = (socket: { rooms: Set<string>; leave: (room: string) => void }, spaceId: string) => {
		const prefix = rooms.space(spaceId);
		for (const room of socket.rooms) if (room === prefix || room.startsWith(`${prefix}:`)) socket.leave(room);
	};

	// The publisher's signature already ties each event to its payload type.
	const emit = (room: string, event: keyof ServerToClientEvents, payload: unknown) =>
		(io.to(room).emit as (event: string, payload: unknown) => boolean)(event, payload);

	const end = (room: string, reason: 'logout' | 'revoked') => {
		io.to(room).emit('session:ended', { reason });
		io.in(room).disconnectSockets(true);
	};

	return {
		io,
		publisher: {
			disconnectUser: (userId) => end(rooms.user(userId), 'revoked'),
			disconnectSession: (sessionId) => end(rooms.session(sessionId), 'logout'),
			evictFromSpace: async (userId, spaceId) => {
				for (const s of await io.in(rooms.user(userId)).fetchSockets()) leaveSpace(s, spaceId);
			},
			evictFromSpaceUnless: async (spaceId, keep) => {
				for (const s of await io.fetchSockets()) if (!keep(s.data.userId)) leaveSpace(s, spaceId);
			},
			emitToUser: (userId, event, payload) => emit(rooms.user(userId), event, payload),
			emitToThread: (thread, event, payload) => emit(rooms.thread(thread.spaceId, thread.threadId), event, payload),
			emitToSpace: (spaceId, event, payload) => emit(rooms.space(spaceId), event, payload),
			emitToQueue: (change) => emit(rooms.queue(change.spaceId), 'queue:changed', change),
			emitToEventRoom: (target, event, payload) => {
				const room = rooms.eventRoom(target.spaceId, target.eventId);
				const moderators = rooms.eventRoomModerators(target.spaceId, target.eventId);
				const to =
					target.audience === 'moderators'
						? io.to(moderators)
						: target.audience === 'others'
							? io.to(room).except(moderators)
							: io.to(room);
				(to.emit as (event: string, payload: unknown) => boolean)(event, payload);
			}
		}
	};
}
