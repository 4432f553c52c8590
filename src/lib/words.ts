// Small helpers for writing English, the same on the server and in the browser.

/** "1 pupil", "3 pupils", "2 classes" (with `many` given). */
export function plural(count: number, word: string, many = `${word}s`): string {
	return `${count} ${count === 1 ? word : many}`;
}
