// `node --import ./scripts/ts-source-register.mjs`: run this project's TypeScript sources directly
// (what the turn threads do when the gateway itself runs from sources, as in the tests).
import { register } from 'node:module';

register('./ts-source-loader.mjs', import.meta.url);
