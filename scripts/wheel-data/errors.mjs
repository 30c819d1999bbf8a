// The error of the refresh that is not a bad command line.

// A page or data file that cannot be fetched, read or used: exit status 1.
export class PageError extends Error {}
