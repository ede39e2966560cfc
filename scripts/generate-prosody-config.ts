// Writes the reference prosody.cfg.lua from prosody/reference.ts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderProsodyConfig } from '../prosody/ProsodyConfig';
import { referenceSettings } from '../prosody/reference';

const target = join(__dirname, '..', '..', 'prosody.cfg.lua');
writeFileSync(target, renderProsodyConfig(referenceSettings, 'reference'));
console.log(`wrote ${target}`);
