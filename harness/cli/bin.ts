#!/usr/bin/env node
// The installed CLI: compiled JavaScript, no TypeScript loader at run time (see ../user-module.ts for user modules).
import { main } from './main.ts';

process.exitCode = await main(process.argv);
