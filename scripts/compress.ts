// Compresses the server's own responses on the way out: pages, their data and CSV files,
// which SvelteKit makes afresh on every request. Files in build/client are compressed once
// at build time instead (adapter-node's `precompress`) and arrive here already encoded.
//
// Never compressed:
// - live-lesson streams (text/event-stream): a compressor holds bytes back until it has
//   enough, and each event must reach the board and the pupils' screens at once;
// - a signed-in response to a request another site may have started (BREACH). A page with
//   a secret in it (a login card's or an invitation's link) and words an attacker chose (a
//   search, a filter) in one compressed body lets someone who can see the encrypted
//   traffic guess the secret a letter at a time from the sizes. Sending that takes a
//   signed-in browser making requests the attacker starts from another site: such
//   requests say `Sec-Fetch-Site: cross-site` (or `same-site`). So a request that carries
//   a cookie is compressed only when the browser says the request came from Think Safe's
//   own pages (`same-origin`) or from the person themselves (`none`: typed, a bookmark).
//   Browsers without Fetch Metadata, and other clients, get signed-in pages uncompressed.
// - small bodies (under MIN_BYTES), where the saving would not pay for the work: an
//   answer's acknowledgement among them, the busiest response of all.
import type http from 'node:http';
import zlib from 'node:zlib';

export type Encoding = 'br' | 'gzip';

const MIN_BYTES = 1024;

/** Text that compresses well; never text/event-stream. */
const COMPRESSIBLE =
	/^(?:text\/(?!event-stream\b)[\w.+-]+|application\/(?:json|javascript|xml|manifest\+json|[\w.+-]+\+(?:json|xml))|image\/svg\+xml)\s*(?:;|$)/i;

/** The encoding to use for an Accept-Encoding header: Brotli, else gzip, else none. */
export function chooseEncoding(accept: string | undefined): Encoding | undefined {
	if (!accept) return undefined;
	const offered = new Map<string, number>();
	for (const part of accept.split(',')) {
		const [name, ...params] = part.trim().toLowerCase().split(';');
		const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
		offered.set(name, q ? Number(q.slice(2)) || 0 : 1);
	}
	const wildcard = offered.get('*');
	const weight = (name: Encoding) => offered.get(name) ?? wildcard ?? 0;
	if (weight('br') > 0) return 'br';
	if (weight('gzip') > 0) return 'gzip';
	return undefined;
}

/** False for a signed-in request another site may have started (see the top of this file). */
export function mayCompressFor(headers: http.IncomingHttpHeaders): boolean {
	if (!headers.cookie) return true;
	const site = headers['sec-fetch-site'];
	return site === 'same-origin' || site === 'none';
}

function worthCompressing(response: http.ServerResponse, status: number, size?: number): boolean {
	if (status < 200 || status === 204 || status === 206 || status === 304) return false;
	if (/\bno-transform\b/i.test(String(response.getHeader('cache-control') ?? ''))) return false;
	const length = size ?? Number(response.getHeader('content-length') ?? NaN);
	return !(length < MIN_BYTES);
}

function addVary(response: http.ServerResponse, name: string): void {
	const vary = String(response.getHeader('vary') ?? '');
	if (
		vary === '*' ||
		vary
			.toLowerCase()
			.split(/\s*,\s*/)
			.includes(name.toLowerCase())
	)
		return;
	response.setHeader('Vary', vary ? `${vary}, ${name}` : name);
}

function compressor(encoding: Encoding, size: number): zlib.BrotliCompress | zlib.Gzip {
	if (encoding === 'gzip') return zlib.createGzip({ level: 6 });
	return zlib.createBrotliCompress({
		params: {
			// Quality 4 is about as fast as gzip and smaller; the window is kept to 256 KiB so
			// that a hundred responses at once do not cost a hundred large buffers.
			[zlib.constants.BROTLI_PARAM_QUALITY]: 4,
			[zlib.constants.BROTLI_PARAM_LGWIN]: 18,
			[zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
			...(Number.isFinite(size) ? { [zlib.constants.BROTLI_PARAM_SIZE_HINT]: size } : {})
		}
	});
}

function byteLength(chunk: unknown): number | undefined {
	if (chunk === undefined || chunk === null || typeof chunk === 'function') return 0;
	if (typeof chunk === 'string') return Buffer.byteLength(chunk);
	if (chunk instanceof Uint8Array) return chunk.byteLength;
	return undefined;
}

type Write = http.ServerResponse['write'];
type End = http.ServerResponse['end'];
type WriteHead = http.ServerResponse['writeHead'];

/**
 * Makes `response` compress its body, if the request accepts it and the body is worth it,
 * deciding when the status and headers are written. Works with any writer of the response
 * (SvelteKit's, sirv's), and keeps their back-pressure: a write returns false while the
 * compressor or the socket is full, and 'drain' follows.
 */
export function compressResponse(request: http.IncomingMessage, response: http.ServerResponse) {
	if (request.method === 'HEAD') return;
	const encoding = chooseEncoding(request.headers['accept-encoding']);
	const allowed = mayCompressFor(request.headers);
	const writeHead = response.writeHead.bind(response) as (...args: unknown[]) => unknown;
	const write = response.write.bind(response) as (...args: unknown[]) => boolean;
	const end = response.end.bind(response) as (...args: unknown[]) => unknown;
	let decided = false;
	let stream: zlib.BrotliCompress | zlib.Gzip | undefined;

	const decide = (status: number, size?: number) => {
		decided = true;
		const type = String(response.getHeader('content-type') ?? '');
		if (!COMPRESSIBLE.test(type) || response.hasHeader('content-encoding')) return;
		addVary(response, 'Accept-Encoding');
		if (!encoding || !allowed || !worthCompressing(response, status, size)) return;
		response.setHeader('Content-Encoding', encoding);
		response.removeHeader('Content-Length');
		const etag = response.getHeader('etag');
		if (typeof etag === 'string' && !etag.startsWith('W/')) response.setHeader('ETag', `W/${etag}`);
		const zipped = compressor(encoding, size ?? NaN);
		zipped.on('data', (chunk: Buffer) => {
			if (!write(chunk)) zipped.pause();
		});
		zipped.on('end', () => end());
		zipped.on('error', (error) => response.destroy(error));
		// The socket drained: let the compressor go on. The compressor drained: the writer may.
		response.on('drain', () => zipped.resume());
		zipped.on('drain', () => response.emit('drain'));
		response.once('close', () => zipped.destroy());
		stream = zipped;
	};

	response.writeHead = function (status: number, ...rest: unknown[]) {
		// Headers passed here are set first, so that the decision sees them (SvelteKit sets
		// its own with setHeader; sirv passes them here).
		const last = rest.at(-1);
		if (last && typeof last === 'object' && !Array.isArray(last)) {
			for (const [name, value] of Object.entries(last)) {
				if (value !== undefined) response.setHeader(name, value as string | string[]);
			}
			rest = rest.slice(0, -1);
		}
		if (!decided) decide(status);
		return writeHead(status, ...rest);
	} as WriteHead;

	response.write = function (chunk: unknown, ...rest: unknown[]) {
		if (!response.headersSent) response.writeHead(response.statusCode);
		if (!stream) return write(chunk, ...rest);
		return stream.write(chunk as Buffer, ...(rest as []));
	} as Write;

	response.end = function (chunk?: unknown, ...rest: unknown[]) {
		// A body given whole to end() has a known size: small ones go as they are.
		if (!response.headersSent) {
			const size = byteLength(chunk);
			if (!decided) decide(response.statusCode, size);
			response.writeHead(response.statusCode);
		}
		if (!stream) return end(chunk, ...rest);
		const callback = [chunk, ...rest].find((a) => typeof a === 'function') as
			(() => void) | undefined;
		if (callback) response.once('finish', callback);
		if (chunk === undefined || typeof chunk === 'function') stream.end();
		else if (typeof rest[0] === 'string') stream.end(chunk, rest[0] as BufferEncoding);
		else stream.end(chunk);
		return response;
	} as End;
}
