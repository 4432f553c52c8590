// Starts `npm start`'s script as a child process on its own port and database, so
// tests can stop, kill and restart a real server.
import { spawn, type ChildProcess } from 'node:child_process';

export interface Running {
	child: ChildProcess;
	url: string;
	output: () => string;
}

export async function startServer(
	env: Record<string, string>,
	port: number,
	timeoutMs = 60_000
): Promise<Running> {
	const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
		env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stdout?.on('data', (d) => (output += d));
	child.stderr?.on('data', (d) => (output += d));
	const url = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
		try {
			const res = await fetch(`${url}/healthz`);
			if (res.ok) return { child, url, output: () => output };
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 200));
	}
	child.kill('SIGKILL');
	throw new Error(`server did not become healthy:\n${output}`);
}

/** Resolves with the exit code once the process has gone. */
export function stopServer(
	running: Running,
	signal: NodeJS.Signals = 'SIGTERM'
): Promise<number | null> {
	return new Promise((resolve) => {
		if (running.child.exitCode !== null) return resolve(running.child.exitCode);
		running.child.once('exit', (code) => resolve(code));
		running.child.kill(signal);
	});
}

/** Runs the start script to completion (for start-up failures) and returns its output. */
export function runStartExpectingFailure(
	env: Record<string, string>,
	port: number
): Promise<{ code: number | null; output: string }> {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
			env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), ...env },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let output = '';
		child.stdout.on('data', (d) => (output += d));
		child.stderr.on('data', (d) => (output += d));
		const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
		child.once('exit', (code) => {
			clearTimeout(timer);
			resolve({ code, output });
		});
	});
}
