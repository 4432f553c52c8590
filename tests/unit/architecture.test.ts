// The shape of src/lib/server, held by a test so it stays the shape docs/architecture.md
// describes: every module in a wing; a wing imports only from wings below it; pages and
// other wings use a wing through its public surface (index.ts); no two exported functions
// share a name; a module over 400 lines says why in its opening comment.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SERVER = path.resolve('src/lib/server');
const SRC = path.resolve('src');

/** Lowest first: a wing may import from the wings before it, never after. */
const WINGS = [
	'platform',
	'lessons',
	'auth',
	'teaching',
	'access.ts',
	'people',
	'reports',
	'safeguarding',
	'records',
	'screens',
	'demo'
];
/** Modules at the top of src/lib/server, outside any wing (see docs/architecture.md). */
const TOP = ['access.ts'];

function files(dir: string, test: (f: string) => boolean): string[] {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
		const p = path.join(dir, e.name);
		if (e.isDirectory()) return files(p, test);
		return test(p) ? [p] : [];
	});
}

const serverFiles = files(SERVER, (f) => f.endsWith('.ts'));
const IMPORT = /(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g;

function resolved(from: string, spec: string): string | null {
	let base: string;
	if (spec.startsWith('$lib/')) base = path.join(SRC, 'lib', spec.slice(5));
	else if (spec.startsWith('.')) base = path.resolve(path.dirname(from), spec);
	else return null;
	for (const c of [base + '.ts', path.join(base, 'index.ts'), base]) {
		if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
	}
	return null;
}

function imports(file: string): { spec: string; target: string }[] {
	const text = fs.readFileSync(file, 'utf8');
	return [...text.matchAll(IMPORT)]
		.map((m) => ({ spec: m[1], target: resolved(file, m[1]) }))
		.filter((i): i is { spec: string; target: string } => i.target !== null);
}

/** The wing a file in src/lib/server belongs to, or its own name for a top module. */
function wingOf(file: string): string | null {
	if (!file.startsWith(SERVER + path.sep)) return null;
	const rel = path.relative(SERVER, file).split(path.sep);
	return rel.length === 1 ? rel[0] : rel[0];
}

const rank = (wing: string) => WINGS.indexOf(wing);

describe('src/lib/server', () => {
	it('keeps every module in a wing, but for the few named at the top', () => {
		const loose = serverFiles
			.filter((f) => path.dirname(f) === SERVER)
			.map((f) => path.basename(f))
			.filter((f) => !TOP.includes(f));
		expect(loose).toEqual([]);
		const folders = fs
			.readdirSync(SERVER, { withFileTypes: true })
			.filter((e) => e.isDirectory())
			.map((e) => e.name);
		expect(folders.sort()).toEqual(WINGS.filter((w) => !TOP.includes(w)).sort());
	});

	it('has no wing that reaches up to a wing above it', () => {
		const upward: string[] = [];
		for (const file of serverFiles) {
			const from = wingOf(file)!;
			if (!WINGS.includes(from)) continue;
			for (const { target } of imports(file)) {
				const to = wingOf(target);
				if (!to || to === from) continue;
				if (!WINGS.includes(to) || rank(to) > rank(from))
					upward.push(`${path.relative(SERVER, file)} -> ${path.relative(SERVER, target)}`);
			}
		}
		expect(upward).toEqual([]);
	});

	it('is used from outside a wing through its index.ts only', () => {
		const deep: string[] = [];
		const outside = [
			...files(path.join(SRC, 'routes'), (f) => /\.(ts|svelte)$/.test(f)),
			...serverFiles,
			path.join(SRC, 'hooks.server.ts')
		];
		for (const file of outside) {
			const from = wingOf(file);
			for (const { target } of imports(file)) {
				const to = wingOf(target);
				if (!to || TOP.includes(to) || to === from) continue;
				if (path.relative(path.join(SERVER, to), target) !== 'index.ts')
					deep.push(`${path.relative(SRC, file)} -> ${path.relative(SERVER, target)}`);
			}
		}
		expect(deep).toEqual([]);
	});

	it('has no two exported functions with the same name', () => {
		const seen = new Map<string, string[]>();
		const EXPORTED = /^export (?:async )?function (\w+)|^export const (\w+) = (?:async )?\(/gm;
		// Migrations all export `up` and `down`: Kysely's contract, not a clash.
		const migrations = path.join(SERVER, 'platform', 'db', 'migrations');
		for (const file of serverFiles) {
			if (path.basename(file) === 'index.ts' || file.startsWith(migrations)) continue;
			for (const m of fs.readFileSync(file, 'utf8').matchAll(EXPORTED)) {
				const name = m[1] ?? m[2];
				seen.set(name, [...(seen.get(name) ?? []), path.relative(SERVER, file)]);
			}
		}
		expect([...seen].filter(([, where]) => where.length > 1)).toEqual([]);
	});

	it('says why in its opening comment when a module is over 400 lines', () => {
		const unexplained = serverFiles.filter((file) => {
			const text = fs.readFileSync(file, 'utf8');
			if (text.split('\n').length <= 400) return false;
			const opening = text.slice(0, text.search(/^(import|export)/m));
			return !/over 400 lines/i.test(opening);
		});
		expect(unexplained.map((f) => path.relative(SERVER, f))).toEqual([]);
	});
});
