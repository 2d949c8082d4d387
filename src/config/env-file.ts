import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'dotenv';
import { Environment } from './load-config.js';

/** The process environment over the values of `.env` (real environment variables win). */
export function readEnvironment(envFile = '.env'): Environment {
  const fromFile = existsSync(envFile) ? parse(readFileSync(envFile)) : {};
  return { ...fromFile, ...process.env };
}
