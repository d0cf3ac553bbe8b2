import type { ClientToServerEvents, ServerToClientEvents } from '$server/realtime/events';

/*
 * The page's one socket: a small client of the Socket.IO protocol (Engine.IO v4 over a
 * WebSocket, Socket.IO v5 packets as JSON text), written here because socket.io-client
 * weighs ~12 KB compressed, a fifth of a thread page's budget on a metered 3G link, for
 * features the pages don't use (long-polling, binary, namespaces, buffering). What it keeps:
 * events, acknowledgements, the heartbeat, and reconnection with backoff, at once when the
 * browser comes back online. It does not resume a session (no connection state recovery):
 * every `connect` — the first and each reconnection — is where live views catch up from
 * their last sequence number, which the server's recovery would only make redundant.
 * Emits made while disconnected are dropped, not queued: views re-emit on `connect`.
 */

interface LifecycleEvents {
	connect: () => void;
	disconnect: (reason: string) => void;
}
type Listens = ServerToClientEvents & LifecycleEvents;

export interface PalabreSocket {
	readonly connected: boolean;
	on<E extends keyof Listens>(event: E, listener: Listens[E]): PalabreSocket;
	off<E extends keyof Listens>(event: E, listener: Listens[E]): PalabreSocket;
	emit<E extends keyof ClientToServerEvents>(event: E, ...args: Parameters<ClientToServerEvents[E]>): PalabreSocket;
}

type Listener = (...args: unknown[]) => void;

const MAX_DELAY_MS = 10_000;

class Socket implements PalabreSocket {
	connected = false;
	#ws: WebSocket | null = null;
	#listeners = new Map<string, Set<Listener>>();
	#acks = new Map<number, Listener>();
	#nextAck = 0;
	#attempts = 0;
	#retry: ReturnType<typeof setTimeout> | undefined;
	#heartbeat: ReturnType<typeof setTimeout> | undefined;
	/** The server's pingInterval + pingTimeout: silence longer than this is a dead link. */
	#silence = 45_000;
	/** Set when the server ended the session's socket on purpose: no reconnection then. */
	#ended = false;

	constructor() {
		addEventListener('offline', () => this.#drop('offline'));
		addEventListener('online', () => {
			if (!this.#ws && !this.#ended) this.#open();
		});
		this.#open();
	}

	on<E extends keyof Listens>(event: E, listener: Listens[E]) {
		let set = this.#listeners.get(event);
		if (!set) this.#listeners.set(event, (set = new Set()));
		set.add(listener as Listener);
		return this;
	}

	off<E extends keyof Listens>(event: E, listener: Listens[E]) {
		this.#listeners.get(event)?.delete(listener as Listener);
		return this;
	}

	emit<E extends keyof ClientToServerEvents>(event: E, ...args: Parameters<ClientToServerEvents[E]>) {
		if (!this.connected) return this;
		const data: unknown[] = [event, ...args];
		let id = '';
		if (typeof data.at(-1) === 'function') {
			const ack = data.pop() as Listener;
			this.#acks.set(this.#nextAck, ack);
			id = String(this.#nextAck++);
		}
		this.#ws?.send(`42${id}${JSON.stringify(data)}`);
		return this;
	}

	#fire(event: string, args: unknown[]) {
		for (const listener of [...(this.#listeners.get(event) ?? [])]) listener(...args);
	}

	#open() {
		clearTimeout(this.#retry);
		const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
		let ws: WebSocket;
		try {
			ws = new WebSocket(`${scheme}://${location.host}/socket.io/?EIO=4&transport=websocket`);
		} catch {
			this.#schedule();
			return;
		}
		this.#ws = ws;
		this.#alive();
		ws.onmessage = (message) => {
			if (this.#ws === ws && typeof message.data === 'string') this.#receive(message.data);
		};
		ws.onclose = () => {
			if (this.#ws === ws) this.#drop('transport close');
		};
	}

	/** Engine.IO packets: 0 open, 1 close, 2 ping (answered 3 pong), 4 message. */
	#receive(text: string) {
		this.#alive();
		const type = text[0];
		if (type === '0') {
			const open = JSON.parse(text.slice(1)) as { pingInterval?: number; pingTimeout?: number };
			this.#silence = (open.pingInterval ?? 25_000) + (open.pingTimeout ?? 20_000);
			this.#alive();
			this.#ws?.send('40');
		} else if (type === '2') {
			this.#ws?.send('3');
		} else if (type === '1') {
			this.#drop('transport close');
		} else if (type === '4') {
			this.#packet(text.slice(1));
		}
	}

	/** Socket.IO packets of the main namespace: 0 connect, 1 disconnect, 2 event, 3 ack, 4 refused. */
	#packet(text: string) {
		const type = text[0];
		if (type === '0') {
			this.connected = true;
			this.#attempts = 0;
			this.#fire('connect', []);
		} else if (type === '1') {
			this.#ended = true;
			this.#drop('io server disconnect');
		} else if (type === '2' || type === '3') {
			const [, id = '', json = '[]'] = /^(\d*)([\s\S]*)$/.exec(text.slice(1)) ?? [];
			let data: unknown;
			try {
				data = JSON.parse(json);
			} catch {
				return;
			}
			if (!Array.isArray(data)) return;
			if (type === '2' && typeof data[0] === 'string') this.#fire(data[0], data.slice(1));
			if (type === '3') {
				const ack = this.#acks.get(Number(id));
				this.#acks.delete(Number(id));
				ack?.(...data);
			}
		} else if (type === '4') {
			this.#drop('connect error');
		}
	}

	#alive() {
		clearTimeout(this.#heartbeat);
		this.#heartbeat = setTimeout(() => this.#drop('ping timeout'), this.#silence);
	}

	#drop(reason: string) {
		const ws = this.#ws;
		this.#ws = null;
		clearTimeout(this.#heartbeat);
		if (ws) {
			ws.onmessage = ws.onclose = null;
			ws.close();
		}
		const was = this.connected;
		this.connected = false;
		this.#acks.clear();
		if (was) this.#fire('disconnect', [reason]);
		// Offline, 'online' reopens it; ended by the server, a new page load does.
		if (!this.#ended && navigator.onLine !== false) this.#schedule();
	}

	/** Exponential backoff with jitter, so a restarted server is not hit by every tab at once. */
	#schedule() {
		clearTimeout(this.#retry);
		const delay = Math.min(MAX_DELAY_MS, 500 * 2 ** this.#attempts++) * (0.5 + Math.random() / 2);
		this.#retry = setTimeout(() => this.#open(), delay);
	}
}

let socket: PalabreSocket | undefined;

/**
 * The page's one socket, opened on demand (loaded lazily so pages that need no live updates
 * carry none of it). Same origin, so the browser sends the session cookie and the Origin
 * header the server checks.
 */
export function getSocket(): PalabreSocket {
	socket ??= new Socket();
	return socket;
}
