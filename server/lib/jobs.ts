/**
 * Background jobs of a process (event reminders, the e-mail sender), run one after the
 * other every interval. Jobs keep no state of their own: the database says what is left to
 * do, so a restart resumes where the last run stopped and two processes running the same
 * jobs share the work (each job makes that safe with keys and row locks).
 */

export interface Job {
	name: string;
	run(): Promise<unknown>;
}

export interface JobLog {
	error(payload: object, message: string): void;
}

export class JobRunner {
	private timer: NodeJS.Timeout | undefined;
	private current: Promise<void> | undefined;
	private stopped = true;

	constructor(
		private jobs: Job[],
		private intervalMs: number,
		private log: JobLog
	) {}

	/** Runs at once (catching up after a restart), then every interval; a run never overlaps the previous one. */
	start(): void {
		if (!this.stopped) return;
		this.stopped = false;
		this.schedule(0);
	}

	private schedule(delayMs: number) {
		// unref: pending jobs never keep a process alive that is otherwise done.
		this.timer = setTimeout(() => {
			this.current = this.runAll(() => this.stopped).finally(() => {
				this.current = undefined;
				if (!this.stopped) this.schedule(this.intervalMs);
			});
		}, delayMs).unref();
	}

	/** Every job once, in order; one failing does not keep the others from running. */
	async runAll(stopping: () => boolean = () => false): Promise<void> {
		for (const job of this.jobs) {
			if (stopping()) return;
			try {
				await job.run();
			} catch (error) {
				this.log.error({ err: error, job: job.name }, `job ${job.name} failed`);
			}
		}
	}

	/** Stops the timer and waits for a run in progress, so that the database can close after it. */
	async stop(): Promise<void> {
		this.stopped = true;
		clearTimeout(this.timer);
		await this.current;
	}
}
