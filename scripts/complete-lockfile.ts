/**
 * `npm run lockfile:complete` — run after `npm install` changes package-lock.json.
 *
 * The registry this project is built against serves only some platforms' native packages
 * (rollup's Android, Windows, musl… binaries answer 404). npm then leaves those optional
 * dependencies out of the lockfile, and `npm ci` refuses the lockfile as incomplete. This
 * adds the missing optional entries with the os/cpu/libc their names state, so npm ci on any
 * machine knows to skip them — exactly what a lockfile made against the full registry holds.
 */
import { readFileSync, writeFileSync } from 'node:fs';

type Entry = {
	version?: string;
	optional?: boolean;
	optionalDependencies?: Record<string, string>;
	os?: string[];
	cpu?: string[];
	libc?: string[];
	[key: string]: unknown;
};

const OS = ['android', 'darwin', 'freebsd', 'linux', 'openbsd', 'openharmony', 'sunos', 'aix', 'win32', 'netbsd'];
const CPU = ['arm64', 'arm', 'x64', 'ia32', 'loong64', 'ppc64', 'riscv64', 's390x', 'mips64el', 'wasm32'];

function platformOf(name: string) {
	const parts = name.split('/').pop()!.split('-');
	const os = parts.find((p) => OS.includes(p));
	const cpu = parts.find((p) => CPU.includes(p)) ?? (parts.includes('eabi') || parts.includes('gnueabihf') ? 'arm' : undefined);
	const libc = parts.some((p) => p.startsWith('musl'))
		? 'musl'
		: os === 'linux' && parts.some((p) => p.startsWith('gnu'))
			? 'glibc'
			: undefined;
	return { os, cpu, libc };
}

const path = 'package-lock.json';
const lock = JSON.parse(readFileSync(path, 'utf8')) as { packages: Record<string, Entry> };
let added = 0;
for (const [location, entry] of Object.entries(lock.packages)) {
	for (const [dep, spec] of Object.entries(entry.optionalDependencies ?? {})) {
		const nested = `${location ? `${location}/` : ''}node_modules/${dep}`;
		if (lock.packages[nested] || lock.packages[`node_modules/${dep}`]) continue;
		const { os, cpu, libc } = platformOf(dep);
		if (!os || !cpu) continue; // not a platform binary: leave it to npm
		lock.packages[`node_modules/${dep}`] = {
			version: spec.replace(/^[\^~=]/, ''),
			cpu: [cpu],
			...(libc ? { libc: [libc] } : {}),
			optional: true,
			os: [os]
		};
		added++;
	}
}
lock.packages = Object.fromEntries(
	Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b)))
);
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lockfile: ${added} platform-specific optional entr${added === 1 ? 'y' : 'ies'} added.`);
