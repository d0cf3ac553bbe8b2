import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Sequencer } from '../../web/src/lib/realtime/sequencer.ts';

/** A live view as the room's and threads' stores use it: items by key, applied when fresh. */
function view(graceMs = 1500) {
	const applied: number[] = [];
	const shown = new Map<string, number>();
	let catchUps = 0;
	const seq = new Sequencer(() => catchUps++, graceMs);
	const item = (key: string, changedSeq: number) => () => {
		if (!seq.fresh(key, changedSeq)) return;
		applied.push(changedSeq);
		shown.set(key, changedSeq);
	};
	/** A broadcast: change number `n` of item `key` (a new line by default: its own key). */
	const arrive = (n: number, key = `m${n}`) => seq.push(n, item(key, n));
	return { seq, applied, shown, item, arrive, catchUps: () => catchUps };
}

function shuffled(n: number, from = 1) {
	const numbers = Array.from({ length: n }, (_, i) => from + i);
	for (let i = numbers.length - 1; i > 0; i--) {
		const j = Math.floor(Math.random() * (i + 1));
		[numbers[i], numbers[j]] = [numbers[j]!, numbers[i]!];
	}
	return numbers;
}

describe('the sequencer of live changes', () => {
	beforeEach(() => {
		vi.useFakeTimers();
	});
	afterEach(() => {
		vi.useRealTimers();
	});

	it('holds early arrivals back and applies them in order once the gap fills, without catching up', () => {
		const v = view();
		v.seq.answered(10, true);
		v.arrive(13);
		v.arrive(12);
		expect(v.applied).toEqual([]);
		vi.advanceTimersByTime(1000);
		v.arrive(11);
		expect(v.applied).toEqual([11, 12, 13]);
		expect(v.seq.since).toBe(13);
		// A gap that moves on (14 came at last, 16 still missing) gets a grace period of its own.
		v.arrive(15);
		v.arrive(17);
		vi.advanceTimersByTime(1000);
		v.arrive(14);
		vi.advanceTimersByTime(1400);
		v.arrive(16);
		expect(v.applied).toEqual([11, 12, 13, 14, 15, 16, 17]);
		vi.advanceTimersByTime(10_000);
		expect(v.catchUps()).toBe(0);
	});

	it('asks once for a number still missing after the grace period, and the answer fills the gap', () => {
		const v = view();
		v.seq.answered(10, true);
		v.arrive(12);
		// Arrivals behind the gap do not push the deadline back: the missing 11 is asked for after 1.5 s.
		for (let n = 13; n <= 20; n++) {
			vi.advanceTimersByTime(100);
			v.arrive(n);
		}
		vi.advanceTimersByTime(699);
		expect(v.catchUps()).toBe(0);
		vi.advanceTimersByTime(1);
		expect(v.catchUps()).toBe(1);
		// One request at a time: more arrivals and more time ask nothing more while it runs.
		v.arrive(22);
		vi.advanceTimersByTime(10_000);
		expect(v.catchUps()).toBe(1);
		expect(v.applied).toEqual([]);

		// The answer brings 11 to 14 (what waited up to there is covered by it), then what waited beyond applies, in order.
		v.seq.answered(14, false, () => {
			for (let n = 11; n <= 14; n++) v.item(`m${n}`, n)();
		});
		expect(v.applied).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
		expect(v.seq.since).toBe(20);
		// 21 is missing now: a new grace period, then one more request.
		vi.advanceTimersByTime(1499);
		expect(v.catchUps()).toBe(1);
		vi.advanceTimersByTime(1);
		expect(v.catchUps()).toBe(2);
		// A failed request ends too: still missing, it is asked again after another grace period.
		v.seq.answered();
		vi.advanceTimersByTime(1500);
		expect(v.catchUps()).toBe(3);
	});

	it('starts the grace period again when a watch answers meanwhile (a reconnection) without filling the gap', () => {
		const v = view();
		v.seq.answered(10, true);
		v.arrive(12);
		vi.advanceTimersByTime(1000);
		v.seq.answered(10);
		vi.advanceTimersByTime(1499);
		expect(v.catchUps()).toBe(0);
		vi.advanceTimersByTime(1);
		expect(v.catchUps()).toBe(1);
	});

	it('puts a burst of 1,000 shuffled numbers back in order without a single catch-up', () => {
		const v = view();
		v.seq.answered(0, true);
		const numbers = shuffled(1000, 1);
		for (const [i, n] of numbers.entries()) {
			v.arrive(n);
			if (i % 50 === 0) vi.advanceTimersByTime(20);
		}
		vi.advanceTimersByTime(10_000);
		expect(v.catchUps()).toBe(0);
		expect(v.applied).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
		expect(v.seq.since).toBe(1000);
	});

	it('ignores duplicates, waiting or already applied', () => {
		const v = view();
		v.seq.answered(0, true);
		v.arrive(2);
		v.arrive(2);
		v.arrive(1);
		v.arrive(1);
		v.arrive(2);
		expect(v.applied).toEqual([1, 2]);
		// A catch-up answer bringing what live events brought already changes nothing.
		v.seq.answered(2, false, () => {
			v.item('m1', 1)();
			v.item('m2', 2)();
		});
		expect(v.applied).toEqual([1, 2]);
		vi.advanceTimersByTime(10_000);
		expect(v.catchUps()).toBe(0);
	});

	it('replaces an item by a newer change of it, never by an older one', () => {
		const v = view();
		v.seq.answered(0, true);
		// Line 1 created (1), removed (3); a vote on question q (2), another vote (4).
		v.seq.push(1, v.item('m1', 1));
		v.seq.push(3, v.item('m1', 3));
		v.seq.push(2, v.item('q', 2));
		expect(v.shown.get('m1')).toBe(3);
		// Two changes of one item read after both committed: both broadcasts show the later one.
		v.seq.push(5, v.item('q', 5));
		v.seq.push(4, v.item('q', 5));
		expect(v.shown.get('q')).toBe(5);
		// An acknowledgement (outside the sequence) older than what is held: ignored.
		v.item('m1', 1)();
		expect(v.shown.get('m1')).toBe(3);
		expect(v.applied).toEqual([1, 2, 3, 5]);
		expect(v.seq.since).toBe(5);
	});

	it('replaces everything on a reset answer: forgets items and what waited', () => {
		const v = view();
		v.seq.answered(0, true);
		v.arrive(1);
		v.arrive(3);
		v.seq.answered(50, true, () => v.item('m1', 1)());
		// Forgotten, so taken again from the new whole view; 3 (which waited) is gone.
		expect(v.applied).toEqual([1, 1]);
		expect(v.seq.since).toBe(50);
		v.arrive(51);
		expect(v.applied).toEqual([1, 1, 51]);
		vi.advanceTimersByTime(10_000);
		expect(v.catchUps()).toBe(0);
	});
});
