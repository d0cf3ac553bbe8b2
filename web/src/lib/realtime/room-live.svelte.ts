import type { RoomMessage, RoomPresence, RoomQuestion, RoomState, RoomWatchResult } from '$server/realtime/events';
import { m } from '$lib/paraglide/messages';
import type { PalabreSocket } from './client';
import { Sequencer } from './sequencer';

/*
 * The live room of an event, kept current by the page's socket. Every stored change of the
 * room carries the room's next sequence number; this store keeps the last one it applied
 * and, at each (re)connection, watches again `since` it (our socket client never resumes a
 * session, so every connect is a catch-up). A change is applied once: each line and
 * question keeps the sequence number of its latest change, and anything at or below it is
 * a duplicate. Broadcasts may arrive out of order: the sequencer applies them in order and
 * watches again only when a skipped number is still missing after a grace period.
 *
 * Chat lines go through an outbox kept in localStorage (per event and member) with their
 * idempotency key: typed offline, they wait ("en attente") and leave in order at the next
 * connection; a resend after an answer that never came is safe, the server stores a key once.
 */

export type OutgoingStatus = 'pending' | 'sending' | 'failed';

/** A chat line written on this device that the server has not confirmed yet. */
export interface Outgoing {
	clientKey: string;
	body: string;
	kind: 'message' | 'announcement';
	status: OutgoingStatus;
	/** Why the server refused it (failed), in the reader's language. */
	reason: string | null;
}

export interface RoomSeed {
	eventId: string;
	userId: string | null;
	watch: RoomWatchResult;
}

type Refusal = { ok: false; code: string; retryAfterSeconds?: number; message?: string };

/** Lines kept in memory: a long session on a cheap phone must not grow the page without end. */
const KEEP_MESSAGES = 300;
/** An answer slower than this on a live socket: the line is shown failed, with its retry button. */
const ACK_TIMEOUT_MS = 20_000;

/** A UUID v4 from getRandomValues: `crypto.randomUUID` exists in secure contexts only (not on a plain-HTTP intranet). */
export function newClientKey(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(16));
	bytes[6] = (bytes[6]! & 0x0f) | 0x40;
	bytes[8] = (bytes[8]! & 0x3f) | 0x80;
	const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A refusal of the server in words: its own message (in the reader's language), or ours when there is none. */
export function refusalText(answer: { code: string; message?: string | undefined }): string {
	if (answer.message) return answer.message;
	return answer.code === 'timeout' ? m.room_ui_refused_timeout() : m.room_ui_refused_other();
}

/** Pinned first, then the most voted, then the oldest. */
export function questionOrder(a: RoomQuestion, b: RoomQuestion): number {
	return Number(b.pinned) - Number(a.pinned) || b.votes - a.votes || a.seq - b.seq;
}

export class RoomLive {
	messages = $state<RoomMessage[]>([]);
	questions = $state<RoomQuestion[]>([]);
	state = $state<RoomState>({ open: false, closed: false, chatLocked: false, slowModeSeconds: null });
	presence = $state<RoomPresence>({ count: 0, people: [] });
	role = $state<RoomWatchResult['me']['role']>('viewer');
	muted = $state(false);
	/** Moderators: who is muted (one button per person, mute or unmute). Empty for others. */
	mutedUserIds = $state<string[]>([]);
	votes = $state<string[]>([]);
	outbox = $state<Outgoing[]>([]);
	/** Ids of lines this device sent during this visit: shown "envoyé". */
	sent = $state<string[]>([]);
	connected = $state(false);
	/** Until when (epoch ms) slow mode holds the next line back. */
	slowUntil = $state(0);

	#eventId = '';
	#userId: string | null = null;
	/** Order of the room's changes; the latest applied to each line (`m…`) and question (`q…`). */
	#seq = new Sequencer(() => this.#watch());
	#socket: PalabreSocket | null = null;
	#flushing = false;
	/** Whether this event's outbox was read from storage (in the browser, after hydration). */
	#restored = false;
	#wake: ReturnType<typeof setTimeout> | undefined;
	/** Settles the send in flight when the socket drops (its answer will never come). */
	#abandon: (() => void) | null = null;

	constructor(seed: RoomSeed) {
		this.seed(seed);
	}

	get eventId() {
		return this.#eventId;
	}

	get moderator() {
		return this.role === 'moderator';
	}

	/** (Re)starts from load data: first render, and each navigation or form action that reloads it. The outbox stays. */
	seed(seed: RoomSeed) {
		const changedEvent = seed.eventId !== this.#eventId || seed.userId !== this.#userId;
		this.#eventId = seed.eventId;
		this.#userId = seed.userId;
		if (changedEvent) {
			this.sent = [];
			this.outbox = [];
			this.#restored = false;
		}
		this.#take(seed.watch, true);
		// Load data may be older than what the socket already said: ask for the difference.
		if (this.#socket?.connected) this.#watch();
	}

	/** Takes a watch answer (load data or socket): the whole room when `reset`, else the changes it lists. */
	#take(result: RoomWatchResult, reset: boolean) {
		reset ||= result.reset;
		if (reset) {
			this.messages = [];
			this.questions = [];
		}
		// The role first: it decides whether hidden questions stay.
		this.role = result.me.role;
		this.muted = result.me.muted;
		this.mutedUserIds = result.me.mutedUserIds;
		this.votes = result.me.votes;
		this.state = result.state;
		this.presence = result.presence;
		this.#seq.answered(result.lastSeq, reset, () => {
			for (const message of result.messages) this.#applyMessage(message);
			for (const question of result.questions) this.#applyQuestion(question);
		});
	}

	/** Applies one line (new or changed); returns whether it was new to this page. */
	#applyMessage(message: RoomMessage): boolean {
		if (!this.#seq.fresh(`m${message.id}`, message.changedSeq)) return false;
		const index = this.messages.findIndex((l) => l.id === message.id);
		if (index >= 0) {
			this.messages[index] = message;
			return false;
		}
		// A change to a line older than those held (removed, unpinned): nothing to show, unless it is now pinned.
		const oldest = this.messages.find((l) => !l.pinned)?.seq;
		if (!message.pinned && oldest !== undefined && message.seq < oldest && message.changedSeq !== message.seq) return false;
		// Usually the newest: search from the end for its place.
		let at = this.messages.length;
		while (at > 0 && this.messages[at - 1]!.seq > message.seq) at--;
		this.messages.splice(at, 0, message);
		if (this.messages.length > KEEP_MESSAGES) {
			const drop = this.messages.findIndex((l) => !l.pinned);
			if (drop >= 0) this.messages.splice(drop, 1);
		}
		// Written here (broadcast before its ack, offline, before a reload): the stored line replaces the waiting one.
		if (message.clientKey && message.author.id === this.#userId) this.#confirmed(message);
		return true;
	}

	#applyQuestion(question: RoomQuestion) {
		if (!this.#seq.fresh(`q${question.id}`, question.changedSeq)) return;
		const index = this.questions.findIndex((q) => q.id === question.id);
		// Hidden questions reach others without their text: they leave the list.
		const shown = !question.hidden || this.moderator;
		if (index >= 0) {
			if (shown) this.questions[index] = question;
			else this.questions.splice(index, 1);
		} else if (shown) {
			this.questions.push(question);
		}
	}

	#confirmed(message: RoomMessage) {
		const index = this.outbox.findIndex((o) => o.clientKey === message.clientKey);
		if (index < 0) return;
		this.outbox.splice(index, 1);
		if (!this.sent.includes(message.id)) this.sent.push(message.id);
		this.#persist();
	}

	#message = (payload: { eventId: string; seq: number; message: RoomMessage }) => {
		if (payload.eventId === this.#eventId) this.#seq.push(payload.seq, () => this.#applyMessage(payload.message));
	};

	#question = (payload: { eventId: string; seq: number; question: RoomQuestion }) => {
		if (payload.eventId === this.#eventId) this.#seq.push(payload.seq, () => this.#applyQuestion(payload.question));
	};

	#state = (payload: { eventId: string; state: RoomState }) => {
		if (payload.eventId === this.#eventId) this.state = payload.state;
	};

	#presence = (payload: { eventId: string; presence: RoomPresence }) => {
		if (payload.eventId === this.#eventId) this.presence = payload.presence;
	};

	#you = (payload: { eventId: string; muted: boolean }) => {
		if (payload.eventId === this.#eventId) this.muted = payload.muted;
	};

	#mutedChanged = (payload: { eventId: string; userId: string; muted: boolean }) => {
		if (payload.eventId !== this.#eventId) return;
		const others = this.mutedUserIds.filter((id) => id !== payload.userId);
		this.mutedUserIds = payload.muted ? [...others, payload.userId] : others;
	};

	/** Joins the room and applies what changed since the last sequence number held; then sends what waits. */
	#watch = () => {
		const socket = this.#socket;
		if (!socket) return;
		const eventId = this.#eventId;
		socket.emit('room:watch', { eventId, since: this.#seq.since }, (answer) => {
			if (eventId !== this.#eventId) return;
			// A refusal still ends this catch-up: a gap still open asks again after its grace period.
			if (answer.ok) this.#take(answer.data, false);
			else this.#seq.answered();
			void this.#flush();
		});
	};

	/** Asks the server what changed (the room opening at its start time sends no event). */
	refresh() {
		if (this.#socket?.connected) this.#watch();
	}

	#connected = () => {
		this.connected = true;
		this.#watch();
	};

	#disconnected = () => {
		this.connected = false;
		this.#abandon?.();
	};

	/** Listens on the page's socket; every (re)connection watches again from the last sequence number held. */
	connect(socket: PalabreSocket): () => void {
		this.restore();
		this.#socket = socket;
		socket.on('connect', this.#connected);
		socket.on('disconnect', this.#disconnected);
		socket.on('room:message', this.#message);
		socket.on('room:question', this.#question);
		socket.on('room:state', this.#state);
		socket.on('room:presence', this.#presence);
		socket.on('room:you', this.#you);
		socket.on('room:muted', this.#mutedChanged);
		if (socket.connected) this.#connected();
		const eventId = this.#eventId;
		return () => {
			socket.off('connect', this.#connected);
			socket.off('disconnect', this.#disconnected);
			socket.off('room:message', this.#message);
			socket.off('room:question', this.#question);
			socket.off('room:state', this.#state);
			socket.off('room:presence', this.#presence);
			socket.off('room:you', this.#you);
			socket.off('room:muted', this.#mutedChanged);
			if (socket.connected) socket.emit('room:unwatch', { eventId });
			if (this.#socket === socket) this.#socket = null;
			clearTimeout(this.#wake);
			this.connected = false;
		};
	}

	/* The outbox */

	get #storageKey() {
		return `palabre:salle:${this.#eventId}:${this.#userId ?? ''}`;
	}

	/** Reads the outbox saved on this device; called once mounted (the server rendered none). */
	restore() {
		if (this.#restored) return;
		this.#restored = true;
		if (!this.#userId) return;
		try {
			const saved = JSON.parse(localStorage.getItem(this.#storageKey) ?? '[]') as Outgoing[];
			if (!Array.isArray(saved)) return;
			// What was leaving when the page closed may or may not have arrived: send it again, the key makes it once.
			this.outbox = saved
				.filter((o) => typeof o?.clientKey === 'string' && typeof o.body === 'string')
				.map((o) => ({ ...o, status: o.status === 'failed' ? 'failed' : 'pending' }));
			// Stored while the page was away: the catch-up confirms them.
			for (const message of this.messages) if (message.clientKey && message.author.id === this.#userId) this.#confirmed(message);
		} catch {
			// Storage disabled or unreadable: nothing was queued.
		}
	}

	#persist() {
		if (!this.#userId) return;
		try {
			if (this.outbox.length === 0) localStorage.removeItem(this.#storageKey);
			else localStorage.setItem(this.#storageKey, JSON.stringify(this.outbox));
		} catch {
			// Storage full or disabled: the queue lives as long as the page.
		}
	}

	/** Queues a chat line (or an announcement) and sends it when the socket can. */
	queue(body: string, kind: Outgoing['kind'] = 'message') {
		this.restore();
		this.outbox.push({ clientKey: newClientKey(), body, kind, status: 'pending', reason: null });
		this.#persist();
		void this.#flush();
	}

	retry(clientKey: string) {
		const item = this.outbox.find((o) => o.clientKey === clientKey);
		if (!item || item.status !== 'failed') return;
		item.status = 'pending';
		item.reason = null;
		this.#persist();
		void this.#flush();
	}

	/** Drops a line that will not be sent; returns its text (to write it again). */
	discard(clientKey: string): string {
		const index = this.outbox.findIndex((o) => o.clientKey === clientKey);
		if (index < 0) return '';
		const [item] = this.outbox.splice(index, 1);
		this.#persist();
		return item!.body;
	}

	/** Sends what waits, one line at a time and in order, while the socket is up. */
	async #flush() {
		if (this.#flushing) return;
		this.#flushing = true;
		try {
			for (;;) {
				const socket = this.#socket;
				const item = this.outbox.find((o) => o.status === 'pending');
				if (!socket?.connected || !item) return;
				const wait = this.slowUntil - Date.now();
				if (wait > 0) {
					clearTimeout(this.#wake);
					this.#wake = setTimeout(() => void this.#flush(), wait);
					return;
				}
				item.status = 'sending';
				const answer = await this.#send(socket, item);
				// The item may have been discarded meanwhile: look it up again.
				const current = this.outbox.find((o) => o.clientKey === item.clientKey);
				if (answer === null) {
					if (current) current.status = 'pending';
					return;
				}
				if (answer.ok) {
					this.#applyMessage(answer.data.message);
					this.#confirmed(answer.data.message);
					if (!answer.data.duplicate && this.state.slowModeSeconds && !this.moderator) {
						this.slowUntil = Date.now() + this.state.slowModeSeconds * 1000;
					}
				} else if (current && (answer.code === 'slow_mode' || answer.code === 'rate_limited') && answer.retryAfterSeconds) {
					// Held back, not refused: it leaves by itself when the wait is over.
					current.status = 'pending';
					this.slowUntil = Date.now() + answer.retryAfterSeconds * 1000;
				} else if (current) {
					current.status = 'failed';
					current.reason = refusalText(answer);
					if (answer.code === 'muted') this.muted = true;
				}
				this.#persist();
			}
		} finally {
			this.#flushing = false;
		}
	}

	/** One `room:send`; null when the socket dropped before its answer (resent at the next connection). */
	#send(socket: PalabreSocket, item: Outgoing) {
		type Answer = { ok: true; data: { message: RoomMessage; duplicate: boolean } } | Refusal;
		return new Promise<Answer | null>((resolve) => {
			const timer = setTimeout(() => settle({ ok: false, code: 'timeout' }), ACK_TIMEOUT_MS);
			const settle = (answer: Answer | null) => {
				clearTimeout(timer);
				this.#abandon = null;
				resolve(answer);
			};
			this.#abandon = () => settle(null);
			socket.emit('room:send', { eventId: this.#eventId, clientKey: item.clientKey, body: item.body, kind: item.kind }, settle);
		});
	}

	/** After a vote went through (form or socket): the button stays off. */
	voted(questionId: string) {
		if (!this.votes.includes(questionId)) this.votes.push(questionId);
	}
}
