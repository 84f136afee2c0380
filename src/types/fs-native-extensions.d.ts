/** The part of fs-native-extensions Workhorse uses: exclusive OS locks on open files. */
declare module 'fs-native-extensions' {
  /** Takes the lock without waiting; false when another open file holds it. */
  export function tryLock(fd: number): boolean;
  /** Waits (off the main thread) until the lock is free, then takes it. */
  export function waitForLock(fd: number): Promise<void>;
  export function unlock(fd: number): void;
}
