// Registers a fresh World per test and its cleanup, plus whatever else a test opened (streams,
// browsers, served repositories): closed first, newest first, then the world itself.
import { afterEach, beforeEach } from 'vitest';
import type { RuntimeProbe } from './runtimes.js';
import { World } from './world.js';

export interface Scene {
  /** This test's world (a new one before each test). */
  readonly w: World;
  /** Closes `thing` after the test, before the world's cleanup; returns it. */
  later<T>(thing: T, close: (t: T) => unknown): T;
}

/** `rt`: the runtime of every world (default: process). */
export function useWorld(rt?: RuntimeProbe): Scene {
  let world: World | undefined;
  const closers: (() => unknown)[] = [];
  beforeEach(() => {
    world = new World(rt);
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await world?.cleanup();
  });
  return {
    get w() {
      if (!world) throw new Error('useWorld(): the world exists only inside a test');
      return world;
    },
    later(thing, close) {
      closers.push(() => close(thing));
      return thing;
    },
  };
}
