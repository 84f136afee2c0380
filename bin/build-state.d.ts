export const BUILD_STAMP: string;
/** Whether `outDir` (default `<root>/dist`) holds a build of `<root>/src` made after its last change. */
export function buildIsCurrent(root: string | URL, outDir?: string): boolean;
