// Types of bin/sources.js (plain JavaScript: it runs before tsx is registered).
export declare const PROJECT_ROOT: string;
export declare function newestSource(root?: string): number;
export declare function hasSources(root?: string): boolean;
export declare function distIsCurrent(root?: string, env?: NodeJS.ProcessEnv): boolean;
