/** The fuzz worker of dist/test/toyCli.js: the toy protocol registered (see toyCli.ts). */
import { protocols } from '../../protocols/index.js';
import { workerMain } from '../../cli/workerMain.js';
import { toyKv } from '../support/toyKv.js';

await workerMain({ ...protocols, toykv: toyKv });
