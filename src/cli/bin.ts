/** Process entry for the CLI: .env (real environment wins), real streams, exit code. */
import 'dotenv/config';
import { run } from './main.js';

process.exitCode = await run(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
