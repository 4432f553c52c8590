// The HTTP server `npm start` runs: adapter-node's request handler (build/handler.js) in
// a server of our own, so that stopping happens in the right order. On SIGTERM or Ctrl-C:
// live streams end first (a device reconnects by itself once the server is back), requests
// in flight finish, new requests get 503 with Retry-After, and only then is the database
// closed. adapter-node's own build/index.js instead waits for open streams for the whole
// shutdown timeout and then resets whatever was still in flight. On the way out, pages and
// data are compressed (compress.ts) and every 503 says when to try again.
import http from 'node:http';
import { CLOSE_STREAMS_EVENT } from '../src/lib/server/platform/live';
import { compressResponse } from './compress';

/** adapter-node's handler: a polka-style middleware (static files, prerendered, then Kit). */
type Middleware = (
	request: http.IncomingMessage,
	response: http.ServerResponse,
	next: () => void
) => unknown;

export interface ServeOptions {
	/** file: URL of build/handler.js. Importing it runs hooks.server.ts's init. */
	handlerUrl: string;
	host: string;
	port: number;
	/** The longest a stopping server waits for requests in flight before closing them. */
	shutdownTimeoutMs: number;
	/** adapter-node's KEEP_ALIVE_TIMEOUT and HEADERS_TIMEOUT, for a proxy's idle timeouts. */
	keepAliveTimeoutMs?: number;
	headersTimeoutMs?: number;
	/**
	 * Set on every response before anything else: static files and SvelteKit's refusal of a
	 * cross-site form post never reach hooks.server.ts. Values a response sets itself win.
	 */
	headers: Record<string, string>;
}

/** Seconds a client should wait before trying again while the server stops or restarts. */
const RETRY_AFTER_S = 5;

function refuse(response: http.ServerResponse): void {
	response.statusCode = 503;
	response.setHeader('Retry-After', String(RETRY_AFTER_S));
	response.setHeader('Cache-Control', 'no-store');
	response.setHeader('Content-Type', 'text/plain; charset=utf-8');
	// Connection: close, so a kept-alive connection does not bring its next request here.
	response.setHeader('Connection', 'close');
	response.end('Think Safe is restarting. Please try again in a moment.\n');
}

/**
 * Every 503 says when to try again: the server's own while stopping, and SvelteKit's when
 * the database cannot save just now (a full disk, a lock held elsewhere: db/faults.ts),
 * which a page or an endpoint cannot add a header to.
 */
function askToRetryOn503(response: http.ServerResponse): void {
	const writeHead = response.writeHead;
	response.writeHead = function (this: http.ServerResponse, status: number, ...rest: unknown[]) {
		if (status === 503 && !this.hasHeader('retry-after')) {
			this.setHeader('Retry-After', String(RETRY_AFTER_S));
		}
		return (writeHead as (...args: unknown[]) => http.ServerResponse).call(this, status, ...rest);
	} as typeof writeHead;
}

function notFound(response: http.ServerResponse): void {
	response.statusCode = 404;
	response.setHeader('Content-Type', 'text/plain; charset=utf-8');
	response.end('Not found\n');
}

/** SvelteKit answers its own errors; this is for a failure outside it, never a stack trace. */
function failed(response: http.ServerResponse, error: unknown): void {
	console.error(error);
	if (response.headersSent) return void response.destroy();
	response.statusCode = 500;
	response.setHeader('Content-Type', 'text/plain; charset=utf-8');
	response.end('Something went wrong on our side. Please try again in a moment.\n');
}

function emit(event: string, ...args: unknown[]): void {
	// Custom events are not in Node's typing of process.emit.
	(process.emit as (event: string, ...args: unknown[]) => boolean)(event, ...args);
}

function listen(server: http.Server, host: string, port: number): Promise<void> {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen({ host, port }, () => {
			server.off('error', reject);
			resolve();
		});
	});
}

/** Serves until SIGTERM or SIGINT, then stops in order (see the top of this file). */
export async function serve(options: ServeOptions): Promise<http.Server> {
	const { handler } = (await import(options.handlerUrl)) as { handler: Middleware };
	const headers = Object.entries(options.headers);
	const inFlight = new Set<http.ServerResponse>();
	let stopping = false;
	let stopped = false;
	let deadline: ReturnType<typeof setTimeout> | undefined;
	let signal: NodeJS.Signals = 'SIGTERM';

	const server = http.createServer((request, response) => {
		for (const [name, value] of headers) response.setHeader(name, value);
		if (stopping) return refuse(response);
		askToRetryOn503(response);
		compressResponse(request, response);
		inFlight.add(response);
		response.once('close', () => {
			inFlight.delete(response);
			if (stopping && inFlight.size === 0) finish('done');
		});
		Promise.resolve(handler(request, response, () => notFound(response))).catch((error) =>
			failed(response, error)
		);
	});
	if (options.keepAliveTimeoutMs !== undefined)
		server.keepAliveTimeout = options.keepAliveTimeoutMs;
	if (options.headersTimeoutMs !== undefined) server.headersTimeout = options.headersTimeoutMs;

	/** Closes every connection, then lets hooks.server.ts close the database. */
	const finish = (why: 'done' | 'timeout' | 'forced') => {
		if (stopped) return;
		stopped = true;
		if (deadline) clearTimeout(deadline);
		if (why !== 'done' && inFlight.size > 0) {
			console.error(`Think Safe stopped with ${inFlight.size} request(s) unfinished (${why}).`);
		}
		server.close();
		server.closeAllConnections();
		// adapter-node's event, with its argument: hooks.server.ts closes the database on it.
		emit('sveltekit:shutdown', signal);
	};

	const stop = (received: NodeJS.Signals) => {
		// A second Ctrl-C means "now".
		if (stopping) return finish('forced');
		stopping = true;
		signal = received;
		emit(CLOSE_STREAMS_EVENT);
		if (inFlight.size === 0) return finish('done');
		deadline = setTimeout(() => finish('timeout'), options.shutdownTimeoutMs);
	};

	await listen(server, options.host, options.port);
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
	return server;
}
