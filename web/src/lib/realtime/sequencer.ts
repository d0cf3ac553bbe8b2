/**
 * The order of a live view's changes (an event's room, a thread). Each change takes the next
 * sequence number when it commits, but broadcasts overtake one another on the way (the server's
 * work after commit resumes in any order, processes publish through Redis). An arrival beyond
 * the next number waits here until the numbers before it come, then they apply in order; only
 * a gap still open after a grace period asks the server for what is missing, one request at a
 * time: catching up at every skipped number would send thousands of requests exactly when a
 * busy room has the least time for them.
 *
 * It also keeps, for each item, the number of its latest change applied (`fresh`): a live
 * event, a catch-up answer and an acknowledgement may each bring the same change.
 */
export class Sequencer {
	/** Every change up to this number has been applied: the `since` of the next catch-up. */
	since = 0;
	#known = new Map<string, number>();
	/** Arrivals beyond `since + 1`, by number, waiting for the gap before them to fill. */
	#early = new Map<number, () => void>();
	#timer: ReturnType<typeof setTimeout> | undefined;
	/** The `since` at which the running timer started: a gap that moved on gets a new grace period. */
	#from = 0;
	#asking = false;

	constructor(
		private catchUp: () => void,
		private graceMs = 1500
	) {}

	/** Whether this change of `key` is newer than the one applied; if so, it is the one applied now. */
	fresh(key: string, changedSeq: number): boolean {
		if (changedSeq <= (this.#known.get(key) ?? -1)) return false;
		this.#known.set(key, changedSeq);
		return true;
	}

	/**
	 * A live change numbered `seq`: applied once every number before it is. At or below
	 * `since`, already covered (a change's content always travels with its own number or a
	 * later one, or came in a catch-up): dropped.
	 */
	push(seq: number, apply: () => void = () => {}) {
		if (seq > this.since && !this.#early.has(seq)) this.#early.set(seq, apply);
		this.#advance();
	}

	/**
	 * A catch-up answered, covering every change up to `lastSeq` (nothing learnt when called
	 * without it: the request failed). `take` applies its items; `reset` forgets every item and
	 * arrival first, for answers that replace the whole view (another room, perhaps).
	 */
	answered(lastSeq = 0, reset = false, take?: () => void) {
		if (reset) this.#known.clear();
		take?.();
		for (const seq of this.#early.keys()) if (reset || seq <= lastSeq) this.#early.delete(seq);
		if (reset || lastSeq > this.since) this.since = lastSeq;
		this.#asking = false;
		this.#advance(true);
	}

	/** Applies what no longer waits; (re)starts the grace period of a gap still open, unless a catch-up runs. */
	#advance(restart = false) {
		for (let apply; (apply = this.#early.get(this.since + 1));) {
			this.#early.delete(++this.since);
			apply();
		}
		if (restart || this.#asking || !this.#early.size || this.#from !== this.since) {
			clearTimeout(this.#timer);
			this.#timer = undefined;
		}
		if (this.#early.size && !this.#asking && !this.#timer) {
			this.#from = this.since;
			this.#timer = setTimeout(() => {
				this.#timer = undefined;
				this.#asking = true;
				this.catchUp();
			}, this.graceMs);
		}
	}
}
