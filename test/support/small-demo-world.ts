import { join } from 'node:path';
import {
  DEFAULT_WORLD_OPTIONS,
  type DemoWorldOptions,
  generateDemoWorld,
} from '../../trainer/demo/world.ts';
import { writeDemoWorld } from '../../trainer/demo/write-world.ts';
import { tempDir } from './datasets.ts';

/** A demo world that writes in a blink: 60 pictures (40 train, 10 val, 10 test), 16-d features. */
export const SMALL_WORLD: DemoWorldOptions = {
  ...DEFAULT_WORLD_OPTIONS,
  images: 60,
  val: 10,
  test: 10,
  features: { dim: 16, latentDim: 8, noise: 2 },
};

/**
 * Writes a world into a fresh temp folder (removed when the test file is done, see tempDir) and
 * returns the world's folder.
 */
export async function writeSmallWorld(options: DemoWorldOptions = SMALL_WORLD): Promise<string> {
  const dir = join(await tempDir(), 'world');
  await writeDemoWorld(generateDemoWorld(options), dir);
  return dir;
}
