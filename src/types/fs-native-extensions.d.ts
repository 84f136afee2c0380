/** The part of fs-native-extensions Workhorse uses: an exclusive OS lock on an open file. */
declare module 'fs-native-extensions' {
  /** Takes the lock without waiting; false when another open file holds it. */
  export function tryLock(fd: number): boolean;
  export function unlock(fd: number): void;
}
