import type { Server as HttpServer } from 'node:http';
import fastifyCookie from '@fastify/cookie';
import { Server, type ServerOptions } from 'socket.io';
import { SESSION_COOKIE } from '../auth/auth.ts';
import type { SessionService } from '../auth/sessions.ts';
import type { RealtimePublisher } from './publisher.ts';
import { roomPayload, rooms, type Ack, type ClientToServerEvents, type ServerToClientEvents, type SocketData } from './events.ts';

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface GatewayOptions {
	publicOrigin: string;
	sessions: SessionService;
	/** Redis Streams adapter when several processes share the load. */
	adapter?: ServerOptions['adapter'];
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

	io.use(async (socket, next) => {
		try {
			const cookies = fastifyCookie.parse(socket.request.headers.cookie ?? '');
			const validated = await options.sessions.validate(cookies[SESSION_COOKIE]);
			socket.data.userId = validated?.auth.user.id ?? null;
			socket.data.sessionId = validated?.auth.session.id ?? null;
			next();
		} catch {
			next(new Error('handshake_failed'));
		}
	});

	io.on('connection', (socket) => {
		if (socket.data.userId && socket.data.sessionId) {
			void socket.join([rooms.user(socket.data.userId), rooms.session(socket.data.sessionId)]);
		}

		socket.on('room:join', (payload, ack) => {
			const parsed = roomPayload.safeParse(payload);
			if (!parsed.success) return reply(ack, { ok: false, code: 'bad_request' });
			// Unknown and forbidden rooms answer alike.
			if (!canJoin(parsed.data.room)) return reply(ack, { ok: false, code: 'not_found' });
			void socket.join(parsed.data.room);
			reply(ack, { ok: true, data: { room: parsed.data.room } });
		});

		socket.on('room:leave', (payload, ack) => {
			const parsed = roomPayload.safeParse(payload);
			if (!parsed.success) return reply(ack, { ok: false, code: 'bad_request' });
			void socket.leave(parsed.data.room);
			reply(ack, { ok: true, data: { room: parsed.data.room } });
		});
	});

	const end = (room: string, reason: 'logout' | 'revoked') => {
		io.to(room).emit('session:ended', { reason });
		io.in(room).disconnectSockets(true);
	};

	return {
		io,
		publisher: {
			disconnectUser: (userId) => end(rooms.user(userId), 'revoked'),
			disconnectSession: (sessionId) => end(rooms.session(sessionId), 'logout')
		}
	};
}
