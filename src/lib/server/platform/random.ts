// Randomness: secure tokens and codes for real use, and a seeded generator so the
// demo borough is the same on every machine.
import { getRandomValues } from 'node:crypto';
import { encodePicturePassword, PICTURES, PICTURE_PASSWORD_LENGTH } from '../../pictures';

/** Class codes avoid characters that look alike when read off a board (0/O, 1/I/L, 2/Z, 5/S, 8/B). */
export const CLASS_CODE_ALPHABET = 'ACDEFGHJKMNPQRTUVWXY3479';
export const CLASS_CODE_LENGTH = 6;

export type RandomInt = (maxExclusive: number) => number;

export const secureInt: RandomInt = (maxExclusive) => {
	// Rejection sampling keeps every value equally likely.
	const limit = Math.floor(0x1_0000_0000 / maxExclusive) * maxExclusive;
	const buffer = new Uint32Array(1);
	for (;;) {
		getRandomValues(buffer);
		if (buffer[0] < limit) return buffer[0] % maxExclusive;
	}
};

/** mulberry32: small, fast and deterministic; for demo data only, never for secrets. */
export function seededInt(seed: number): RandomInt {
	let state = seed >>> 0;
	return (maxExclusive) => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		const unit = ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
		return Math.floor(unit * maxExclusive);
	};
}

export function makeClassCode(random: RandomInt = secureInt): string {
	let code = '';
	for (let i = 0; i < CLASS_CODE_LENGTH; i++) {
		code += CLASS_CODE_ALPHABET[random(CLASS_CODE_ALPHABET.length)];
	}
	return code;
}

/** Three different pictures in order, none of the combinations in `taken`. */
export function makePicturePassword(taken: Set<string>, random: RandomInt = secureInt): number[] {
	for (;;) {
		const pool = PICTURES.map((_, i) => i);
		const chosen: number[] = [];
		for (let i = 0; i < PICTURE_PASSWORD_LENGTH; i++) {
			chosen.push(pool.splice(random(pool.length), 1)[0]);
		}
		if (!taken.has(encodePicturePassword(chosen))) return chosen;
	}
}
