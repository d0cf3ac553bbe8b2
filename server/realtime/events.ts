import { z } from 'zod';

/**
 * Typed event maps (socket.io TypeScript guide). Names are `domain:verb`. Every client
 * event carries an ack answering `{ ok: true, data } | { ok: false, code }`.
 */
export type Ack<T = unknown> = (result: { ok: true; data: T } | { ok: false; code: string }) => void;

export interface ServerToClientEvents {
	'session:ended': (payload: { reason: 'logout' | 'revoked' }) => void;
	'presence:count': (payload: { room: string; count: number }) => void;
}

export interface ClientToServerEvents {
	'room:join': (payload: unknown, ack?: Ack<{ room: string }>) => void;
	'room:leave': (payload: unknown, ack?: Ack<{ room: string }>) => void;
}

export interface SocketData {
	userId: string | null;
	sessionId: string | null;
}

/** Room names, built by helpers rather than string literals scattered around. */
export const rooms = {
	user: (id: string) => `user:${id}`,
	session: (id: string) => `session:${id}`,
	/** The public lobby: site-wide announcements anyone may read. */
	site: () => 'site'
};

export const roomPayload = z.strictObject({ room: z.string().min(1).max(200) });
