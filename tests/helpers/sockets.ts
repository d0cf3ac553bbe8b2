import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../server/realtime/events.ts';
import { TEST_ORIGIN } from './app.ts';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A real socket.io client over a real port, sending the headers a browser would. */
export function connect(
	baseUrl: string,
	options: { cookie?: string; origin?: string; transports?: ('polling' | 'websocket')[] } = {}
): ClientSocket {
	const headers: Record<string, string> = { origin: options.origin ?? TEST_ORIGIN };
	if (options.cookie) headers.cookie = options.cookie;
	return io(baseUrl, {
		path: '/socket.io',
		transports: options.transports ?? ['websocket'],
		extraHeaders: headers,
		reconnection: false,
		forceNew: true,
		timeout: 3000
	});
}

export function connected(socket: ClientSocket): Promise<void> {
	return new Promise((resolve, reject) => {
		socket.once('connect', () => resolve());
		socket.once('connect_error', (error) => reject(error));
	});
}

export function refused(socket: ClientSocket): Promise<Error> {
	return new Promise((resolve, reject) => {
		socket.once('connect', () => reject(new Error('connection was accepted')));
		socket.once('connect_error', (error) => resolve(error));
	});
}

/** Resolves with the elapsed ms when the server closes the socket. */
export function disconnectedBy(socket: ClientSocket, withinMs: number): Promise<number> {
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`still connected after ${withinMs} ms`)), withinMs);
		socket.once('disconnect', (reason) => {
			clearTimeout(timer);
			if (reason === 'io server disconnect') resolve(Date.now() - started);
			else reject(new Error(`disconnected for another reason: ${reason}`));
		});
	});
}

export function emitWithAck<T>(socket: ClientSocket, event: 'room:join' | 'room:leave', payload: unknown) {
	return socket.timeout(2000).emitWithAck(event, payload) as Promise<T>;
}
