// A module with neither a default fetch handler nor a fetch listener.
export const notAHandler = 1;
