import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '$server/realtime/events';

export type PalabreSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let socket: PalabreSocket | undefined;

/**
 * The page's one socket, opened on demand (loaded lazily so pages that need no live updates
 * carry none of it). Same origin, session cookie sent by the browser; websocket first
 * because long-polling across several nodes would need sticky sessions.
 */
export function getSocket(): PalabreSocket {
	socket ??= io({ path: '/socket.io', transports: ['websocket', 'polling'], withCredentials: true });
	return socket;
}
