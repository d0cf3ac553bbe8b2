import { describe, expect, it } from 'vitest';
import { JobRunner } from '../../server/lib/jobs.ts';

const quietLog = (errors: unknown[]) => ({ error: (payload: object) => void errors.push(payload) });

describe('JobRunner', () => {
	it('runs every job at start then every interval, one run at a time, and a failing job does not stop the others', async () => {
		const errors: unknown[] = [];
		const runs: string[] = [];
		let inFlight = 0;
		let overlapped = false;
		let release!: () => void;
		const thirdRun = new Promise<void>((resolve) => (release = resolve));
		const runner = new JobRunner(
			[
				{
					name: 'slow',
					run: async () => {
						inFlight++;
						if (inFlight > 1) overlapped = true;
						runs.push('slow');
						// Longer than the interval: the next run must wait for this one.
						await new Promise((resolve) => setTimeout(resolve, 30));
						inFlight--;
					}
				},
				{
					name: 'broken',
					run: async () => {
						throw new Error('boom');
					}
				},
				{
					name: 'last',
					run: async () => {
						runs.push('last');
						if (runs.filter((r) => r === 'last').length === 3) release();
					}
				}
			],
			5,
			quietLog(errors)
		);
		runner.start();
		await thirdRun;
		await runner.stop();
		expect(runs.slice(0, 6)).toEqual(['slow', 'last', 'slow', 'last', 'slow', 'last']);
		expect(overlapped).toBe(false);
		expect(errors.length).toBeGreaterThanOrEqual(3);
		expect(errors[0]).toMatchObject({ job: 'broken' });
	});

	it('stop() waits for the run in progress and no run starts after it', async () => {
		let finished = false;
		let started!: () => void;
		const running = new Promise<void>((resolve) => (started = resolve));
		let count = 0;
		const runner = new JobRunner(
			[
				{
					name: 'one',
					run: async () => {
						count++;
						started();
						await new Promise((resolve) => setTimeout(resolve, 50));
						finished = true;
					}
				}
			],
			1,
			quietLog([])
		);
		runner.start();
		await running;
		await runner.stop();
		expect(finished).toBe(true);
		const after = count;
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect(count).toBe(after);
	});
});
